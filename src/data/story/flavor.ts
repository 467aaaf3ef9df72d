// Optional detail sentences: how the hero looks and lives, what the place is like, how the hero
// takes to the seed noun, and what happens after the ending. Each story takes some of them, so
// stories differ in shape and words, not only in names; the pools are large on purpose (the
// distinct-4-gram ratio of a corpus comes mostly from here and from the seed words).
import { BOY_NAMES, GIRL_NAMES } from './cast.ts';
import { cap, withArticle } from './english.ts';
import type { Words } from './words.ts';
import type { World } from './world.ts';


export function heroDetail(w: World, x: Words): string[] {
  if (!w.rng.chance(0.6)) return [];
  const [l1, l2] = w.rng.sample(w.pools.likes, 2);
  if (!w.hero.child) {
    return [x.pick([
      `${x.He} had soft ${x.pick(['brown', 'white', 'gray', 'black', 'orange'])} fur and a happy face.`,
      `${x.He} was small, but ${x.he} was very fast.`,
      `${x.He} lived in a cozy home under a big tree.`,
      `${x.He} liked ${l1} and ${l2}.`,
    ])];
  }
  const sib = x.pick(['sister', 'brother']);
  const sibName = x.pick(sib === 'sister' ? GIRL_NAMES : BOY_NAMES);
  return [x.pick([
    `${x.He} was ${x.pick(['three', 'four', 'five'])} years old.`,
    `${x.He} lived with ${x.his} mom, ${x.his} dad and ${x.his} little ${sib}${sibName === x.H ? '' : `, ${sibName}`}.`,
    `${x.He} liked ${l1} and ${l2}.`,
    `${x.He} had ${x.pick(['big', 'bright'])} ${x.pick(['brown', 'blue', 'green'])} eyes and a happy smile.`,
    `${x.His} ${x.pick(['mom', 'dad', 'grandma'])} always said ${x.he} was a good helper.`,
  ])];
}

export function habitDetail(w: World, x: Words): string[] {
  if (!w.rng.chance(0.5) || w.problem === 'cannot') return [];
  const v = w.verb;
  if (v.agent) return [x.pick([`Every day, ${x.he} waited by the window to see it.`, `It made ${x.him} smile every time.`, `${x.He} thought it was the best thing in the world.`])];
  return [x.pick([
    `${x.He} ${v.past} every morning, and ${x.he} ${v.past} again before bed.`,
    `When ${x.he} ${v.past}, ${x.he} felt warm inside.`,
    `${x.A} said ${x.he} was very good at it.`,
    `${x.He} could do it all day long.`,
    `Sometimes ${x.his} friends came to watch.`,
  ])];
}

const PLACE_DETAILS: Record<string, string[]> = {
  park: ['The grass was green and soft.', 'Birds sang in the tall trees.', 'Some children were playing on the swings.', 'There was a little pond with ducks in it.'],
  garden: ['The flowers were red, yellow and pink.', 'Bees buzzed from flower to flower.', 'The garden smelled sweet.', 'There were big green leaves everywhere.'],
  backyard: ['The backyard had a tall tree and a small swing.', 'The grass tickled their feet.', 'A little bird sat on the fence.'],
  forest: ['The trees were very tall.', 'The forest was quiet and green.', 'Little rays of sun came through the leaves.', 'They could hear the birds singing.'],
  beach: ['The sand was warm.', 'The waves went up and down.', 'Seagulls flew over the water.', 'The sea was big and blue.'],
  farm: ['There were cows, pigs and hens.', 'The barn was big and red.', 'A horse stood by the fence.', 'The farm smelled like hay.'],
  meadow: ['The meadow was full of flowers.', 'Butterflies flew over the grass.', 'The grass was long and soft.'],
  playground: ['There was a big slide and two swings.', 'Many children were playing.', 'The sandbox was full of toys.'],
  yard: ['The yard was sunny.', 'A cat slept by the door.', 'The grass was wet from the rain.'],
  house: ['The house was warm and cozy.', 'It was quiet inside.', 'There were toys all over the floor.'],
  village: ['The village had small houses with red roofs.', 'People smiled and waved.', 'A little bell rang in the square.'],
  town: ['The town was busy.', 'There were many shops and people.', 'Cars went by on the road.'],
  lake: ['The water was calm and blue.', 'Ducks swam near the shore.', 'Little fish jumped in the water.'],
  zoo: ['There were lions, monkeys and a tall giraffe.', 'The zoo was full of people.', 'An elephant waved its trunk.'],
  hill: ['From the top, they could see the whole town.', 'The wind was strong up there.', 'The grass on the hill was green.'],
  field: ['The field was wide and green.', 'Cows were eating grass far away.', 'Yellow flowers grew everywhere.'],
  river: ['The river went fast over the stones.', 'The water sang as it ran.', 'A frog sat on a wet rock.'],
  kitchen: ['The kitchen smelled like fresh bread.', 'Pots and pans hung on the wall.', 'It was warm in the kitchen.'],
  school: ['The school had a big yard.', 'Children were laughing and running.', 'The bell rang.'],
  orchard: ['The trees were full of red apples.', 'Bees buzzed around the fruit.', 'The orchard smelled sweet.'],
};
const WEATHER_DETAILS = ['The sun was warm.', 'A soft wind was blowing.', 'The sky was blue, with a few white clouds.', 'It was a nice day to play outside.'];

export function placeDetail(w: World, x: Words): string[] {
  if (!w.rng.chance(0.55)) return [];
  const own = PLACE_DETAILS[w.setting.place];
  const pool = own ?? [`The ${w.setting.place} was big and full of things to see.`, `${x.H} looked all around the ${w.setting.place}.`];
  const dark = w.role === 'when' && /^(night|evening)$/.test(w.noun.word);
  const outdoor = !w.setting.inside && w.adjective.class !== 'day' && w.role !== 'weather' && !dark;
  const [a1, a2] = w.rng.sample(w.pools.animals, 2);
  const critters = outdoor ? [`${cap(withArticle(`little ${a1.word}`))} was sitting ${x.pick(['by a rock', 'in the grass', 'near the path', 'under a bush'])}.`, `They saw ${a1.plural} and ${a2.plural} on the way.`] : [];
  return [x.pick(outdoor ? [...pool, ...WEATHER_DETAILS, ...critters] : pool)];
}

const DESCRIBE: Record<string, string[]> = {
  thing: ['small', 'pretty', 'old', 'new', 'round', 'shiny', 'colorful'],
  animal: ['small', 'soft', 'friendly', 'shy', 'hungry', 'sleepy', 'cute'],
  big: ['tall', 'old', 'very big', 'pretty'],
  food: ['fresh', 'sweet', 'warm', 'yummy'],
  stuff: ['soft', 'wet', 'cold', 'funny'],
};

/** How the hero takes to the seed noun (or the prop) once it is there. */
export function reaction(w: World, x: Words): string[] {
  if (!w.rng.chance(0.65)) return [];
  const cls = w.role === 'focus' ? w.noun.class : w.role;
  if (x.D && w.rng.chance(0.4) && (cls === 'thing' || cls === 'food' || cls === 'animal' || cls === 'stuff')) {
    return [x.hSay(x.pick([`Look what I found`, `Wow, look at this`, `I like it so much`]), '!')];
  }
  const d = cls === 'thing' ? w.pools.looks : DESCRIBE[cls];
  const two = d ? w.rng.sample(d, 2) : [];
  switch (cls) {
    case 'thing':
      return [x.pick([`${x.He} picked it up and looked at it closely.`, `It was ${two[0]} and ${two[1]}.`, `${x.He} held it tight and smiled.`, `${x.He} wanted to show it to ${x.A}.`])];
    case 'animal':
      return [x.pick([`It looked at ${x.H} with big eyes.`, `The ${w.noun.word} was ${two[0]} and ${two[1]}.`, `${x.H} sat down slowly, so ${x.he} would not scare it.`])];
    case 'food':
      return [x.pick([`It smelled so good.`, `It looked ${two[0]} and ${two[1]}.`, `${x.H} wanted to eat it right away, but ${x.he} waited.`])];
    case 'big':
      return [x.pick([`It was so big that ${x.H} had to look up.`, `${x.H} walked all around it.`, `It was ${two[0]} and ${two[1]}.`])];
    case 'stuff':
      return [x.pick([`${x.H} touched it. It felt ${two[0]}.`, `${x.H} put ${x.his} hands in it and laughed.`])];
    case 'setting':
      return [x.pick([`${x.H} had never been there before.`, `There were so many things to see.`])];
    case 'sight':
      return [x.pick([`It was so beautiful.`, `${x.H} smiled and pointed at it.`, `${x.He} wanted to look at it all day.`])];
    case 'event':
      return [x.pick([`There were lots of people there.`, `Everyone was having fun.`, `There was music and food.`])];
    case 'person':
      return [x.pick([`${x.H} said hello and told ${x.pick(['them', 'everyone'])} ${x.his} name.`, `${x.H} felt a little shy at first.`])];
    default:
      return [];
  }
}

/** After a happy ending: the seed verb once more, so it ends where it began. */
export function afterHappy(w: World, x: Words): string[] {
  if (!w.rng.chance(0.5) || w.verb.agent || w.problem === 'cannot') return [];
  return [x.pick([
    `The next day, ${x.H} ${w.verb.past} again, and this time ${x.F} came too.`,
    `After that, ${x.H} ${w.verb.past} every day.`,
    `Later, ${x.H} ${w.verb.past} one more time, just for fun.`,
  ])];
}
