/** Kafka's topic name rule: 1 to 249 of [a-zA-Z0-9._-], and not '.' or '..'. Shared by the log and config checks. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function isValidTopicName(name: unknown): name is string {
  return typeof name === 'string' && TOPIC_NAME.test(name) && name !== '.' && name !== '..';
}

/** Why a topic name is invalid, in words, or undefined when it is fine. */
export function topicNameProblem(name: string): string | undefined {
  if (isValidTopicName(name)) return undefined;
  return `'${name}' is not a valid topic name: use 1 to 249 letters, digits, '.', '_' and '-' (and not '.' or '..')`;
}
