// The middle and the end of a story: one problem (lost, broken, stuck, rain, hurt, cannot, want,
// scared), told with or without spoken lines, with an optional conflict, twist, foreshadowing
// (a setup early and its payoff later) and moral, and a happy or a bad ending.
// Feature cues are part of the grammar: every Conflict beat has an argument or anger in it,
// every Twist a surprise, every Foreshadowing setup a payoff that "remembers" it, every
// MoralValue a stated lesson, every bad ending a sad last paragraph.
import { cap } from './english.ts';
import type { Words } from './words.ts';
import type { Problem, World } from './world.ts';

export type Foreshadow = { setup: string; payoff: string };
export type ProblemBeats = {
  foreshadow(w: World, x: Words, happy: boolean): Foreshadow;
  trouble(w: World, x: Words): string[];
  conflict(w: World, x: Words): string[];
  twist(w: World, x: Words, happy: boolean): string[];
  happy(w: World, x: Words): string[];
  bad(w: World, x: Words): string[];
  moral(w: World, x: Words, happy: boolean): string;
  summary(w: World, x: Words, happy: boolean): string;
};

const HURTABLE = /^(foot|hand|arm|leg|head|face|eye|ear|nose|mouth|tooth|tongue|finger|toe|knee|elbow|tummy|belly|neck|chin|cheek|lip|shoulder|thumb|back|knuckle|wrist|ankle|forehead|muscle)$/;

/** Every twist opens on a surprise. */
function surprise(x: Words): string {
  return x.pick(['Then something unexpected happened.', 'But then, something surprising happened.', 'Just then, there was a big surprise.', 'Then, all of a sudden, something unexpected happened.', 'What happened next was a surprise.']);
}

function doing(w: World): string {
  return w.verb.agent || w.problem === 'cannot' ? 'playing' : w.verb.ing;
}

function sadFeel(w: World, x: Words): string[] {
  return w.feel === 'bad' ? [x.pick([`${x.H} felt ${w.adjective.word}.`, `${x.H} was very ${w.adjective.word}.`])] : [];
}

/** Shared pieces: the generic argument, the happy close, the sad close. */
function argue(w: World, x: Words, about: string): string[] {
  if (x.D) return [x.fSay(`It is my turn with ${about}`, '!'), x.hSay(`No, it is mine`, '!'), `They began to argue, and both of them got angry.`];
  return [x.pick([`${x.F} wanted ${about} too, and they began to argue.`, `${x.F} said it was ${x.Hs} fault, and they had a big fight.`, `${x.H} and ${x.F} were angry at each other, and they would not listen.`])];
}
function happyClose(x: Words): string {
  return x.pick([
    `They played together until the sun went down.`, `${x.H} and ${x.F} smiled and laughed.`, `From then on, they were the best of friends.`,
    `And they all lived happily ever after.`, `It was a very good day.`, `${x.H} went home with a big smile.`, `That night, ${x.H} slept with a happy heart.`,
    `${x.H} hugged ${x.F}, and they both laughed.`, `It was the best day ever.`,
  ]);
}
function sadClose(x: Words): string {
  return x.pick([
    `${x.H} went home feeling sad.`, `It was not a good day at all.`, `${x.H} cried all the way home.`, `${x.H} sat alone and felt sad for a long time.`,
    `That night, ${x.H} was too sad to sleep.`, `${x.H} went to bed with tears in ${x.his} eyes.`, `Nothing felt fun anymore, and ${x.H} was sad.`,
  ]);
}

const lost: ProblemBeats = {
  foreshadow: (w, x, happy) => w.focus.animate
    ? { setup: `${x.H} noticed that the gate was open, but ${x.he} did not close it.`, payoff: happy ? `Then ${x.H} remembered the open gate, and ${x.he} closed it tight.` : `Then ${x.H} remembered the open gate. If only ${x.he} had closed it.` }
    : { setup: `${x.H} noticed a small hole in ${x.his} bag, but ${x.he} did not think about it.`, payoff: happy ? `Then ${x.H} remembered the hole in ${x.his} bag, and ${x.A} helped ${x.him} fix it.` : `Then ${x.H} remembered the hole in ${x.his} bag. Now it was too late.` },
  trouble: (w, x) => [
    w.focus.animate ? `Then ${x.the} ran away into the bushes, and ${x.H} could not find ${x.it}.` : x.pick([`${x.H} put ${x.the} down and ran to play. When ${x.he} came back, ${x.the} was gone!`, `Later, ${x.H} looked for ${x.the}, but ${x.he} could not find ${x.it} anywhere.`]),
    ...(x.D ? [x.hSay(x.pick([`Where is my ${x.word}`, `Has anyone seen my ${x.word}`]), '?')] : []),
  ],
  conflict: (w, x) => x.D
    ? [x.hSay(`You took my ${x.word}`, '!'), x.fSay(`No, I did not`, '!'), `${x.H} was angry, and ${x.F} was mad too.`]
    : [`${x.H} thought ${x.F} had taken ${x.the}. They began to argue, and ${x.F} got angry.`],
  twist: (w, x, happy) => happy
    ? [x.pick([`${surprise(x)} A little puppy came out of the bushes with ${x.the} in its mouth!`, `To everyone's surprise, ${x.the} had been in ${x.Hs} pocket all along!`])]
    : [`${surprise(x)} A big bird flew down, took ${x.the} and flew far away.`],
  happy: (w, x) => [x.pick([`${x.H} and ${x.F} looked everywhere. At last, they found ${x.the} ${x.spot}.`, `They looked under bushes and behind trees. At last, ${x.F} found ${x.the} ${x.spot}.`, `They searched and searched. Then ${x.F} saw ${x.the} ${x.spot}.`, `${x.H} looked high and low. At last, ${x.he} found ${x.the} ${x.spot}.`]), ...(x.D ? [x.hSay(`Thank you for helping me, ${x.F}`, '!')] : [`${x.H} thanked ${x.F} for helping.`]), happyClose(x)],
  bad: (w, x) => [x.pick([`They looked and looked, but ${x.the} was never found.`, `${x.H} searched until it was dark, but ${x.the} was gone.`, `They looked everywhere, but they never saw ${x.the} again.`]), ...(x.D ? [x.hSay(`I miss my ${x.word}`, '.')] : []), sadClose(x)],
  moral: (w, x, happy) => w.features.has('Conflict')
    ? `${x.H} learned that ${x.he} should not blame a friend without asking first.`
    : happy ? x.pick([`${x.H} learned to take good care of ${x.his} things.`, `From that day on, ${x.H} always kept ${x.his} things close.`]) : `${x.H} learned that ${x.he} should always keep ${x.his} things safe.`,
  summary: (w, x, happy) => `${x.H} loses ${x.the} in the ${x.place} and ${happy ? `finds it again with ${x.his} friend ${x.F}` : 'never finds it again'}.`,
};

const broken: ProblemBeats = {
  foreshadow: (w, x, happy) => ({ setup: `${x.H} noticed a small crack in ${x.the}, but ${x.he} kept playing.`, payoff: happy ? `Now ${x.H} remembered the little crack, and ${x.he} was more gentle.` : `Now ${x.H} remembered the little crack. ${x.He} should have been more gentle.` }),
  trouble: (w, x) => [
    x.pick([`${x.H} threw ${x.the} up high. It fell on ${w.setting.inside ? 'the hard floor' : 'a rock'} and broke!`, `${x.The} slipped from ${x.Hs} hands and broke into pieces.`, `While ${x.he} was ${doing(w)}, ${x.H} stepped on ${x.the}, and it broke.`]),
    ...(x.D ? [x.pick([x.hSay(`Oh no, my ${x.word} is broken`, '!'), x.hSay(`My ${x.word} is broken! What can I do`, '?')])] : []),
  ],
  conflict: (w, x) => x.D
    ? [x.fSay(`You broke it because you were not careful`, '!'), x.hSay(`No, you pushed me`, '!'), `They began to argue and would not look at each other.`]
    : [`${x.F} said it was ${x.Hs} fault, and ${x.H} said it was ${x.F}'s fault. They began to argue.`],
  twist: (w, x, happy) => happy
    ? [`But to ${x.Hs} surprise, ${x.helper} looked at the pieces and laughed. It was a toy that came apart, and it could go back together!`]
    : [`${surprise(x)} A dog ran by and took one of the pieces away.`],
  happy: (w, x) => [x.pick([`${x.Helper} came and looked at ${x.the}.`, `${x.H} ran to ${x.helper} with the pieces.`, `${x.Helper} heard ${x.H} and came to help.`]), ...(x.D ? [say2(x, w.helper, `Do not worry, we can fix it`, '.')] : [`${x.Helper} said they could fix it.`]), x.pick([`With some glue, ${x.the} was as good as new.`, `They fixed it together with glue and tape.`, `Soon, ${x.the} was fixed, and it looked almost new.`]), happyClose(x)],
  bad: (w, x) => [`${x.Helper} tried to fix ${x.the}, but it was too broken.`, ...(x.D ? [say2(x, w.helper, `I am sorry, it cannot be fixed`, '.')] : []), sadClose(x)],
  moral: (w, x, happy) => w.features.has('Conflict')
    ? `${x.H} learned that fighting does not fix anything.`
    : happy ? x.pick([`${x.H} learned to be gentle with ${x.his} things.`, `The lesson was to be careful with the things you love.`]) : `${x.H} learned that ${x.he} should be gentle with ${x.his} toys.`,
  summary: (w, x, happy) => `${x.H} breaks ${x.the} while playing, and ${happy ? `${w.helper} helps fix it` : 'it cannot be fixed'}.`,
};

const stuck: ProblemBeats = {
  foreshadow: (w, x, happy) => ({ setup: `${x.A} told ${x.H} not to play near the tall tree, but ${x.he} did not listen.`, payoff: happy ? `${x.H} remembered what ${x.A} had said, and ${x.he} played far from the tree after that.` : `${x.H} remembered what ${x.A} had said. ${x.He} wished ${x.he} had listened.` }),
  trouble: (w, x) => [
    w.focus.animate ? `${x.The} climbed up a tall tree and got stuck on a high branch.` : x.pick([`${x.H} threw ${x.the} too high, and it got stuck in a tall tree.`, `A strong wind blew ${x.the} up into a tall tree, and it got stuck.`, `${x.The} flew up and got stuck in the branches of a tall tree.`]),
    ...(x.D ? [x.hSay(`How can I get it down`, '?')] : [`${x.H} could not reach it.`]),
  ],
  conflict: (w, x) => argue(w, x, 'the stick').concat(`They could not agree on how to get it down.`),
  twist: (w, x, happy) => happy
    ? [`${surprise(x)} A big wind blew, and ${x.the} fell right into ${x.Hs} arms!`]
    : [`${surprise(x)} A big wind blew, and ${x.the} went even higher.`],
  happy: (w, x) => [x.pick([`${x.Helper} came with a long ladder and got ${x.the} down.`, `${x.Helper} found a long stick and helped get ${x.the} down.`, `${x.Helper} lifted ${x.H} up high, and ${x.he} could reach ${x.the}.`]), ...(x.D ? [x.hSay(`Thank you`, '!')] : [`${x.H} said thank you.`]), happyClose(x)],
  bad: (w, x) => [`Nobody could reach ${x.the}, and it stayed up in the tree.`, `When it got dark, ${x.H} had to go home without ${x.it}.`, sadClose(x)],
  moral: (w, x, happy) => w.features.has('Conflict') ? `${x.H} learned that friends should work together, not fight.` : happy ? `${x.H} learned that it is good to ask for help.` : `${x.H} learned to be more careful.`,
  summary: (w, x, happy) => `${x.The} gets stuck in a tree, and ${happy ? `${w.helper} helps get it down` : `${x.H} has to leave it there`}.`,
};

const WEATHER_LINES: Record<string, string> = {
  rain: 'dark clouds came, and it began to rain|the sky turned gray, and big drops of rain began to fall|it started to rain very hard', snow: 'it began to snow, and it got very cold', wind: 'a strong wind began to blow',
  storm: 'a big storm came', thunder: 'there was loud thunder in the sky', lightning: 'there was lightning in the dark sky',
  fog: 'a thick fog came, and they could not see', sunshine: 'the sunshine got so hot that they could not play', breeze: 'a cold breeze came and blew their things away',
  frost: 'frost covered everything, and it got very cold', hail: 'hail began to fall from the sky', mist: 'a thick mist came, and they could not see', dew: 'the grass got wet with dew, and everything was cold',
};
function weather(w: World): string {
  return w.role === 'weather' ? w.noun.word : 'rain';
}
const rain: ProblemBeats = {
  foreshadow: (w, x, happy) => ({ setup: `${x.H} saw dark clouds far away, but ${x.he} did not know what they meant.`, payoff: happy ? `${x.H} remembered the dark clouds, and now ${x.he} knew why they came.` : `${x.H} remembered the dark clouds. ${x.He} should have gone home sooner.` }),
  trouble: (w, x) => [`${x.pick(['Suddenly,', 'Then', 'But soon'])} ${x.pick((WEATHER_LINES[weather(w)] ?? `the ${weather(w)} came`).split('|'))}.`, ...(x.D ? [x.hSay(`Oh no! We cannot play now`, '!')] : [`They could not play outside anymore.`])],
  conflict: (w, x) => x.D
    ? [x.fSay(`Let's go home`, '!'), x.hSay(`No, I want to stay`, '!'), `They began to argue, and ${x.F} got angry.`]
    : [`${x.F} wanted to go home, but ${x.H} wanted to stay. They argued and were both angry.`],
  twist: (w, x, happy) => happy
    ? [`${surprise(x)} The sky cleared, and a big rainbow came out!`]
    : [`${surprise(x)} A big puddle splashed them, and they were wet all over.`],
  happy: (w, x) => [x.pick([`${x.Helper} called them inside.`, `They ran inside, and ${x.helper} gave them warm towels.`]), x.pick([`They made a tent out of blankets and played there until the ${weather(w)} was gone.`, `They built a fort out of pillows and played inside.`, `They drew pictures and drank warm milk until it was over.`]), ...(x.D ? [x.fSay(`This is even better`, '!')] : []), happyClose(x)],
  bad: (w, x) => [`They ran home, but they were wet and cold.`, `The next day, ${x.H} was sick and had to stay in bed.`, sadClose(x)],
  moral: (w, x, happy) => w.features.has('Conflict') ? `${x.H} learned that it is better to listen to friends than to fight.` : happy ? `${x.H} learned that even a bad day can turn into a fun day.` : `${x.H} learned to watch the sky and go home in time.`,
  summary: (w, x, happy) => `The ${weather(w)} stops ${x.H} and ${x.F} from playing in the ${x.place}, and ${happy ? 'they find a way to have fun inside' : `${x.H} gets sick`}.`,
};

function bodyPart(w: World): string {
  return w.role === 'body' ? w.noun.word : w.rng.pick(['knee', 'arm', 'foot', 'hand', 'elbow']);
}
const hurt: ProblemBeats = {
  foreshadow: (w, x, happy) => ({ setup: `${x.A} said the ground was slippery and told ${x.H} to be careful.`, payoff: happy ? `${x.H} remembered what ${x.A} had said, and ${x.he} walked slowly after that.` : `${x.H} remembered what ${x.A} had said, but it was too late.` }),
  trouble: (w, x) => {
    const part = bodyPart(w);
    const how = HURTABLE.test(part) ? `fell down and hurt ${x.his} ${part}` : `fell into the mud and got mud all over ${x.his} ${part}`;
    return [x.pick([`While ${x.he} was ${doing(w)}, ${x.H} ${how}.`, `${x.H} was ${doing(w)} when ${x.he} ${how.replace('fell down', 'slipped')}.`, `Then ${x.H} tripped on a rock. ${x.He} ${how}.`]), ...(x.D ? [x.hSay(x.pick([`Ouch! It hurts`, `Ow, ow, ow`]), '!')] : [`${x.H} began to cry.`])];
  },
  conflict: (w, x) => x.D
    ? [x.hSay(`You pushed me`, '!'), x.fSay(`No, I did not`, '!'), `They began to argue, and they were both angry.`]
    : [`${x.H} said ${x.F} had pushed ${x.him}. ${x.F} said no, and they began to argue.`],
  twist: (w, x, happy) => happy
    ? [`${surprise(x)} It was not bad at all, and ${x.H} could stand up right away!`]
    : [`${surprise(x)} ${x.H} tried to stand up and fell down again.`],
  happy: (w, x) => [x.pick([`${x.Helper} came and gave ${x.H} a big hug.`, `${x.Helper} came running and gave ${x.H} a hug.`, `${x.Helper} came and put a bandage on it.`, `${x.Helper} picked ${x.H} up and held ${x.him} close.`]), ...(x.D ? [say2(x, w.helper, `You will be fine`, '.')] : [`Soon, ${x.H} felt much better.`]), happyClose(x)],
  bad: (w, x) => [`${x.H} had to go home and could not play anymore.`, `${x.F} played alone, and ${x.H} watched from the window.`, sadClose(x)],
  moral: (w, x, happy) => w.features.has('Conflict') ? `${x.H} learned not to blame others when things go wrong.` : happy ? `${x.H} learned to be careful when ${x.he} played.` : `${x.H} learned that ${x.he} should listen to ${x.A}.`,
  summary: (w, x, happy) => `${x.H} gets hurt while ${doing(w)}, and ${happy ? `${w.helper} makes it better` : `${x.he} cannot play anymore`}.`,
};

const cannot: ProblemBeats = {
  foreshadow: (w, x, happy) => ({ setup: `${x.A} told ${x.H} that learning takes time.`, payoff: happy ? `${x.H} remembered what ${x.A} had said, and ${x.he} was glad ${x.he} kept trying.` : `${x.H} remembered what ${x.A} had said, but ${x.he} did not want to wait.` }),
  trouble: (w, x) => [`${x.H} tried to ${w.verb.base}, but it was too hard.`, ...(x.D ? [x.hSay(`I cannot do it`, '!')] : [`${x.He} tried again and again, but ${x.he} could not do it.`])],
  conflict: (w, x) => x.D
    ? [x.fSay(`You are doing it wrong`, '!'), x.hSay(`Stop it! I can do it by myself`, '!'), `They began to argue, and ${x.H} was angry.`]
    : [`${x.F} laughed and said ${x.H} was doing it wrong. ${x.H} got angry, and they had a fight.`],
  twist: (w, x, happy) => happy
    ? [`${surprise(x)} ${x.F} showed ${x.H} a little trick, and it was easy!`]
    : [`${surprise(x)} ${x.F} did it on the first try, and ${x.H} did not.`],
  happy: (w, x) => [`${x.H} did not give up. ${x.He} tried one more time.`, `At last, ${x.H} ${w.verb.past}!`, ...(x.D ? [x.fSay(`You did it`, '!')] : [`Everyone clapped for ${x.him}.`]), happyClose(x)],
  bad: (w, x) => [`${x.H} tried one more time, but ${x.he} still could not do it.`, `${x.He} gave up and went home.`, sadClose(x)],
  moral: (w, x, happy) => happy ? x.pick([`${x.H} learned that if you keep trying, you can do hard things.`, `The lesson is: never give up.`]) : `${x.H} learned that giving up too soon is not good.`,
  summary: (w, x, happy) => `${x.H} wants to learn to ${w.verb.base} and ${happy ? 'does it after trying again and again' : 'gives up'}.`,
};

const want: ProblemBeats = {
  foreshadow: (w, x, happy) => ({ setup: `${x.F} looked at ${x.the} for a long time. ${x.H} did not know that ${x.F} wanted it too.`, payoff: happy ? `Now ${x.H} remembered how ${x.F} had looked at ${x.the}, and ${x.he} understood.` : `Now ${x.H} remembered how ${x.F} had looked at ${x.the}, but it was too late.` }),
  trouble: (w, x) => [
    x.pick([`${x.F} wanted ${x.the} too.`, `${x.F} saw ${x.the} and wanted it too.`, `${x.F} wanted to play with ${x.the} too.`]),
    ...(x.D ? [x.fSay(x.pick([`Can I have it`, `Can I play with it`, `Will you give it to me`]), '?'), x.hSay(x.pick([`No, it is mine`, `No, go away`, `No, I had it first`]), '!')]
      : [x.pick([`${x.H} did not want to share.`, `But ${x.H} wanted to keep it.`, `${x.H} held it close and said no.`])]),
  ],
  conflict: (w, x) => x.D
    ? [x.fSay(`You never share`, '!'), `They both pulled, and they began to fight.`]
    : [x.pick([`They both pulled and began to fight. ${x.F} was angry, and ${x.H} was mad too.`, `They began to fight over it, and both of them were angry.`, `${x.F} grabbed it, and ${x.H} grabbed it back. They were both very mad.`])],
  twist: (w, x, happy) => happy
    ? [`${surprise(x)} ${x.A} came with another ${w.focus.word}, just the same!`]
    : [`${surprise(x)} A big dog ran by and took ${x.the} away.`],
  happy: (w, x) => [
    w.noun.class === 'food' && w.focus.fromSeed
      ? x.pick([`${x.H} thought about it. Then ${x.he} gave half of ${x.the} to ${x.F}.`, `${x.H} looked at ${x.Fs} sad face. Then ${x.he} shared ${x.the} with ${x.F}.`])
      : x.pick([`${x.H} thought about it. Then ${x.he} gave ${x.the} to ${x.F} for a while.`, `${x.H} looked at ${x.Fs} sad face. Then ${x.he} let ${x.F} have a turn.`, `After a while, ${x.H} let ${x.F} play with ${x.the} too.`, `${x.H} remembered that friends share, so ${x.he} gave ${x.the} to ${x.F} for a bit.`]),
    ...(x.D ? [x.hSay(x.pick([`Let's share`, `We can play with it together`, `You can have a turn`]), '.')] : [x.pick([`They took turns.`, `They played with it together.`, `First ${x.F} had a turn, and then ${x.H} had a turn.`])]),
    x.pick([`Sharing was more fun.`, `It was more fun to play together.`, `Playing together was much better.`]),
    happyClose(x),
  ],
  bad: (w, x) => [`They pulled so hard that ${x.the} fell and was lost in the tall grass.`, `Now neither of them had it.`, sadClose(x)],
  moral: (w, x, happy) => happy ? x.pick([`${x.H} learned that sharing is caring.`, `The lesson is: when we share, everyone is happy.`]) : `${x.H} learned that when friends do not share, nobody wins.`,
  summary: (w, x, happy) => `${x.H} and ${x.F} both want ${x.the}, and ${happy ? 'they learn to share it' : 'they lose it by fighting'}.`,
};

const scared: ProblemBeats = {
  foreshadow: (w, x, happy) => ({ setup: `${x.A} said that not everything big is bad, but ${x.H} did not understand.`, payoff: happy ? `${x.H} remembered what ${x.A} had said, and now ${x.he} understood.` : `${x.H} remembered what ${x.A} had said, but ${x.he} was still afraid.` }),
  trouble: (w, x) => [`But ${x.the} looked so strange that ${x.H} was scared.`, ...(x.D ? [x.hSay(`I am afraid of it`, '!')] : [`${x.He} wanted to run away.`])],
  conflict: (w, x) => x.D
    ? [x.fSay(`Do not be silly`, '!'), x.hSay(`I am not silly`, '!'), `They began to argue, and ${x.H} got angry.`]
    : [`${x.F} said ${x.H} was silly to be scared. ${x.H} got angry, and they argued.`],
  twist: (w, x, happy) => happy
    ? [`${surprise(x)} ${x.The} was not scary at all. It was friendly!`]
    : [`${surprise(x)} ${x.The} made a loud noise, and everyone ran.`],
  happy: (w, x) => [`${x.H} came closer, step by step.`, ...(x.D ? [x.fSay(`See? It is nice`, '.')] : [`${x.He} was brave.`]), `Soon, ${x.H} was not scared anymore.`, happyClose(x)],
  bad: (w, x) => [`${x.H} ran away and never went back to the ${x.place}.`, `${x.He} never found out if ${x.the} was nice.`, sadClose(x)],
  moral: (w, x, happy) => happy ? `${x.H} learned that new things are not always scary.` : `${x.H} learned that being too scared can make you miss good things.`,
  summary: (w, x, happy) => `${x.H} is scared of ${x.the} in the ${x.place}, and ${happy ? 'finds out it is friendly' : 'runs away'}.`,
};

const hungry: ProblemBeats = {
  foreshadow: (w, x, happy) => ({ setup: `${x.H} noticed that ${x.the} looked thin, but ${x.he} did not know why.`, payoff: happy ? `Then ${x.H} remembered how thin ${x.the} had looked, and now ${x.he} knew why.` : `Then ${x.H} remembered how thin ${x.the} had looked. ${x.He} should have helped sooner.` }),
  trouble: (w, x) => [
    x.pick([`${x.The} was very hungry. It had not eaten all day.`, `${x.The} looked sad and hungry, and it would not play.`]),
    ...(x.D ? [x.hSay(x.pick([`Are you hungry, little one`, `What can I give you to eat`]), '?')] : [`${x.H} wanted to help, but ${x.he} did not know how.`]),
  ],
  conflict: (w, x) => x.D
    ? [x.fSay(`Do not give it our snack`, '!'), x.hSay(`But it is hungry`, '!'), `They began to argue, and ${x.F} got angry.`]
    : [`${x.F} did not want to give away their snack, and they began to argue. ${x.H} was mad, and ${x.F} was angry too.`],
  twist: (w, x, happy) => happy
    ? [`${surprise(x)} ${x.The} had a baby, and the baby was hungry too! They fed them both.`]
    : [`${surprise(x)} A big dog came, ate all the food and chased ${x.the} away.`],
  happy: (w, x) => [
    x.pick([`${x.H} shared ${x.his} ${x.pick(w.pools.snacks).word} with ${x.the}.`, `${x.H} ran home and came back with some bread for ${x.the}.`, `${x.A} helped ${x.H} find some food for ${x.the}.`]),
    `${x.The} ate it all up and looked much better.`,
    ...(x.D ? [x.fSay(`Look, it likes you`, '!')] : [`After that, ${x.the} followed ${x.H} everywhere.`]),
    happyClose(x),
  ],
  bad: (w, x) => [`${x.H} looked for food, but ${x.he} could not find any.`, `When ${x.he} came back, ${x.the} was gone.`, sadClose(x)],
  moral: (w, x, happy) => w.features.has('Conflict') ? `${x.H} learned that it is good to share, even with animals.` : happy ? x.pick([`${x.H} learned that being kind to animals makes everyone happy.`, `From that day on, ${x.H} always helped animals in need.`]) : `${x.H} learned that when someone needs help, you should help right away.`,
  summary: (w, x, happy) => `${x.H} finds a hungry ${w.focus.word} in the ${x.place} and ${happy ? 'shares food with it' : 'cannot help it in time'}.`,
};

const gift: ProblemBeats = {
  foreshadow: (w, x, happy) => ({ setup: `${x.H} noticed that the path home was bumpy, but ${x.he} did not think about it.`, payoff: happy ? `${x.H} remembered the bumpy path, and ${x.he} walked very slowly.` : `${x.H} remembered the bumpy path. ${x.He} should have walked more slowly.` }),
  trouble: (w, x) => [
    `${x.H} wanted to give ${x.the} to ${x.A} as a present, but ${x.he} had to carry it all the way home.`,
    ...(x.D ? [x.hSay(x.pick([`I hope ${x.A} will like it`, `This will be the best present`]), '!')] : [`${x.He} held it with both hands.`]),
  ],
  conflict: (w, x) => x.D
    ? [x.fSay(`Give it to me, I want to carry it`, '!'), x.hSay(`No, it is my present`, '!'), `They began to argue, and ${x.F} was angry.`]
    : [`${x.F} wanted to carry it, but ${x.H} said no. They argued all the way, and both of them were mad.`],
  twist: (w, x, happy) => happy
    ? [`${surprise(x)} ${x.A} had a present for ${x.H} too!`]
    : [`${surprise(x)} ${x.H} tripped at the door, and ${x.the} fell into a big puddle.`],
  happy: (w, x) => [`At home, ${x.H} gave ${x.the} to ${x.A}.`, ...(x.D ? [x.aSay(x.pick([`Thank you, it is lovely`, `What a nice present`]), '!')] : [`${x.A} smiled and gave ${x.H} a big hug.`]), happyClose(x)],
  bad: (w, x) => [`On the way home, ${x.H} tripped, and ${x.the} fell into the mud.`, `It was ruined, and ${x.H} had no present for ${x.A}.`, sadClose(x)],
  moral: (w, x, happy) => w.features.has('Conflict') ? `${x.H} learned that it is better to work together than to fight.` : happy ? x.pick([`${x.H} learned that giving is as much fun as getting.`, `The lesson is: a present from the heart makes everyone happy.`]) : `${x.H} learned to be more careful with things that matter.`,
  summary: (w, x, happy) => `${x.H} wants to give ${x.the} to ${x.A} as a present, and ${happy ? `${x.A} loves it` : 'it is ruined on the way home'}.`,
};

/** A line spoken by the helper (the adult, or the seed noun's person). */
function say2(x: Words, who: string, line: string, mark: '.' | '!' | '?'): string {
  return `${cap(who)} said, "${cap(line)}${mark}"`;
}

export const PROBLEMS: Record<Problem, ProblemBeats> = { lost, broken, stuck, rain, hurt, cannot, want, scared, hungry, gift };
export { sadFeel };
