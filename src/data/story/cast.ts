// Who and where: names, kinds of hero, grown-ups, places and props the story grammar draws from.
// Big lists here are where most of the surface variety between stories comes from.
import type { Gender } from './english.ts';

export const GIRL_NAMES = [
  'Lily', 'Sue', 'Mia', 'Amy', 'Anna', 'Emma', 'Lucy', 'Sara', 'Kate', 'Jane', 'Ella', 'Zoe', 'Rosie', 'Molly', 'Daisy', 'Ruby',
  'Sophie', 'Chloe', 'Grace', 'Ivy', 'Nora', 'Hannah', 'Maya', 'Lila', 'Bella', 'Sally', 'Jenny', 'Katie', 'Megan', 'Tina', 'Nina',
  'Rita', 'Mary', 'Beth', 'Clara', 'Emily', 'Olivia', 'Ava', 'Mila', 'Luna', 'Hazel', 'Poppy', 'Tilly', 'Millie', 'Abby', 'Julie',
  'Kim', 'Pam', 'Dora', 'Gina', 'Wendy', 'Holly', 'Penny', 'Jill', 'Amber', 'Alice', 'Eva', 'Leah', 'Rose', 'Fern', 'Susie', 'Annie',
];
export const BOY_NAMES = [
  'Tom', 'Ben', 'Max', 'Sam', 'Tim', 'Jack', 'Leo', 'Jake', 'Joe', 'Bob', 'Dan', 'Finn', 'Luke', 'Mark', 'Noah', 'Ollie', 'Owen',
  'Ryan', 'Toby', 'Billy', 'Bobby', 'Jimmy', 'Timmy', 'Tommy', 'Danny', 'Eli', 'Adam', 'Alex', 'Ted', 'Pete', 'Ned', 'Gus', 'Hugo',
  'Jay', 'Kevin', 'Liam', 'Milo', 'Nick', 'Oscar', 'Paul', 'Ray', 'Rex', 'Zack', 'Evan', 'Henry', 'Jim', 'Lucas', 'Mike', 'Will',
  'Charlie', 'Freddie', 'Harry', 'Jonny', 'Bill', 'Kai', 'Otto', 'Theo', 'Arlo', 'Ivan', 'Carl',
];
export const PET_NAMES = [
  'Hop', 'Spot', 'Fluffy', 'Whiskers', 'Tweet', 'Fuzzy', 'Pip', 'Coco', 'Buddy', 'Sunny', 'Benny', 'Bubbles', 'Patch', 'Ziggy',
  'Peanut', 'Button', 'Nutty', 'Snowy', 'Rusty', 'Sparky', 'Lulu', 'Momo', 'Bingo', 'Dot', 'Pebble', 'Honey', 'Biscuit', 'Socks',
  'Twinkle', 'Mittens', 'Puddles', 'Squeak', 'Tiny', 'Goldie', 'Bouncy', 'Fifi',
];

/** Animal heroes and friends, with the sound-free verbs that suit their moving around. */
export const ANIMAL_KINDS = ['bunny', 'puppy', 'kitten', 'bird', 'duck', 'bear', 'mouse', 'fox', 'frog', 'squirrel', 'pig', 'lamb', 'owl', 'turtle', 'dog', 'cat'];
export const CHILD_KINDS: Record<Gender, string[]> = { she: ['girl'], he: ['boy'] };

/** Grown-ups who help, warn and comfort; used like names ("Mom said"). */
export const ADULTS: { name: string; gender: Gender }[] = [
  { name: 'Mom', gender: 'she' }, { name: 'Dad', gender: 'he' }, { name: 'Mommy', gender: 'she' }, { name: 'Daddy', gender: 'he' },
  { name: 'Grandma', gender: 'she' }, { name: 'Grandpa', gender: 'he' }, { name: 'Granny', gender: 'she' },
];

/** Everyday settings: phrase after "in"/"to", and a thing that is there. */
export const SETTINGS: { place: string; inside: boolean; spot: string[] }[] = [
  { place: 'park', inside: false, spot: ['under a big tree', 'by the swings', 'near the pond', 'on the green grass'] },
  { place: 'garden', inside: false, spot: ['behind the flowers', 'under a bush', 'by the little gate', 'near the roses'] },
  { place: 'backyard', inside: false, spot: ['by the fence', 'under the old tree', 'near the sandbox', 'in the tall grass'] },
  { place: 'forest', inside: false, spot: ['under a log', 'by a little stream', 'behind a big rock', 'between two trees'] },
  { place: 'beach', inside: false, spot: ['in the sand', 'near the water', 'by a big rock', 'under an umbrella'] },
  { place: 'farm', inside: false, spot: ['by the barn', 'near the pigs', 'in the hay', 'behind the fence'] },
  { place: 'meadow', inside: false, spot: ['among the flowers', 'in the soft grass', 'by a little hill', 'near a bush'] },
  { place: 'playground', inside: false, spot: ['under the slide', 'by the swings', 'in the sandbox', 'near the bench'] },
  { place: 'yard', inside: false, spot: ['by the door', 'under the tree', 'near the fence', 'in the grass'] },
  { place: 'house', inside: true, spot: ['under the bed', 'behind the couch', 'in the kitchen', 'on a high shelf'] },
  { place: 'village', inside: false, spot: ['by the well', 'near the bakery', 'on the main road', 'by the old bridge'] },
  { place: 'town', inside: false, spot: ['near the shop', 'by the fountain', 'on a busy street', 'at the corner'] },
  { place: 'lake', inside: false, spot: ['by the water', 'on the little dock', 'under a willow tree', 'near some rocks'] },
  { place: 'zoo', inside: false, spot: ['by the monkey house', 'near the gate', 'under a bench', 'by the duck pond'] },
  { place: 'hill', inside: false, spot: ['at the top', 'behind a big rock', 'in the long grass', 'under a lonely tree'] },
  { place: 'field', inside: false, spot: ['in the tall grass', 'by the fence', 'near a haystack', 'under a small tree'] },
  { place: 'river', inside: false, spot: ['on the bank', 'by the old bridge', 'near the stones', 'under a tree'] },
  { place: 'kitchen', inside: true, spot: ['under the table', 'on a chair', 'behind the door', 'in a drawer'] },
  { place: 'school', inside: false, spot: ['by the gate', 'under the slide', 'near the door', 'in the yard'] },
  { place: 'orchard', inside: false, spot: ['under an apple tree', 'by a basket', 'in the grass', 'near the ladder'] },
];

/** Things a hero can carry, for stories whose seed noun is not one. */
export const PROPS = ['ball', 'kite', 'teddy', 'doll', 'hat', 'toy car', 'red bucket', 'little boat', 'blanket', 'book', 'box of crayons', 'balloon', 'drum', 'toy truck', 'jump rope', 'shovel'];

/** Snacks for taste adjectives that need food to describe. */
export const SNACKS: [string, string][] = [['cookie', 'cookies'], ['apple', 'apples'], ['cupcake', 'cupcakes'], ['pie', 'pies'], ['muffin', 'muffins'], ['sandwich', 'sandwiches'], ['banana', 'bananas'], ['cake', 'cakes'], ['pancake', 'pancakes'], ['peach', 'peaches'], ['cracker', 'crackers'], ['grape', 'grapes']];

/** Nouns for family members take a possessive ("her grandma"), not "a". */
export const FAMILY = new Set(['mom', 'dad', 'mommy', 'daddy', 'mother', 'father', 'grandma', 'grandpa', 'granny', 'brother', 'sister', 'aunt', 'uncle', 'cousin', 'family', 'twin']);

/** Events one goes "on" rather than "to". */
export const GO_ON_EVENTS = new Set(['trip', 'vacation', 'holiday', 'visit', 'playdate']);

/** Animal parts belong to an animal a hero can help. */
export const PART_OWNERS: Record<string, string> = { tail: 'puppy', wing: 'bird', paw: 'puppy', beak: 'bird', feather: 'bird', horn: 'goat', whisker: 'kitten' };

/** Weather words (nature nouns that come and go rather than being looked at). */
export const WEATHER = new Set(['rain', 'snow', 'wind', 'storm', 'thunder', 'lightning', 'fog', 'sunshine', 'breeze', 'frost', 'hail', 'mist', 'dew']);
/** Feelings by how they sit in a story: good ones at happy moments, bad ones at the problem. */
export const GOOD_FEELINGS = new Set(['happy', 'glad', 'excited', 'proud', 'calm', 'cheerful', 'joyful', 'thankful', 'grateful', 'hopeful', 'comfortable', 'cozy', 'safe', 'free', 'lucky', 'relieved', 'amazed', 'delighted', 'content', 'pleased', 'peaceful', 'eager', 'alive', 'ready', 'sure', 'surprised']);
export const BAD_FEELINGS = new Set(['sad', 'mad', 'angry', 'scared', 'afraid', 'upset', 'lonely', 'bored', 'worried', 'nervous', 'grumpy', 'jealous', 'sick', 'embarrassed', 'miserable', 'unhappy', 'frustrated', 'disappointed', 'ashamed', 'frightened', 'anxious', 'confused', 'alone', 'sorry']);

/** Person nouns too young to be the grown-up who helps at the end. */
export const CHILDLIKE = new Set(['baby', 'boy', 'girl', 'child', 'kid', 'twin', 'student', 'brother', 'sister', 'cousin', 'princess', 'prince', 'elf', 'ghost', 'monster', 'robot', 'stranger', 'guest', 'family']);
