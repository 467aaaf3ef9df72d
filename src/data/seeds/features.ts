// The six TinyStories story features and the phrases the original generation prompts used for
// them. Recipes carry their own copy of the phrases (users edit recipes); these are the defaults
// and the one list of valid names.

export const STORY_FEATURES = ['Dialogue', 'BadEnding', 'MoralValue', 'Twist', 'Foreshadowing', 'Conflict'] as const;
export type StoryFeature = (typeof STORY_FEATURES)[number];

export const DEFAULT_FEATURE_PHRASES: Record<StoryFeature, string> = {
  Dialogue: 'the story should contain at least one dialogue',
  BadEnding: 'the story has a bad ending',
  MoralValue: 'the story has a moral value',
  Twist: 'something unexpected happens / there is a plot twist',
  Foreshadowing: 'the narrative uses foreshadowing or setup and payoff',
  Conflict: 'the story has some form of conflict in it',
};

export function isStoryFeature(name: string): name is StoryFeature {
  return (STORY_FEATURES as readonly string[]).includes(name);
}
