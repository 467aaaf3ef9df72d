// `--guard DIR [--guard-policy FILE]` → the server's Moderation (none without --guard).
import { WrenError } from '../errors.ts';
import { Guard } from '../safety/guard-model.ts';
import { defaultGuardPolicy, readGuardPolicy } from './guard-policy.ts';
import { Moderation } from './moderation.ts';

export async function loadModeration(guardDir: string | undefined, policyFile: string | undefined): Promise<Moderation | undefined> {
  if (!guardDir) {
    if (policyFile) throw new WrenError('--guard-policy needs --guard DIR (the guard folder it applies to)');
    return undefined;
  }
  const policy = policyFile ? readGuardPolicy(policyFile) : defaultGuardPolicy(); // before the model: a bad policy fails fast
  return new Moderation(await Guard.load(guardDir), policy);
}
