/**
 * Sigma `attack.*` tags read as MITRE ATT&CK tactics and techniques, with the links a reader
 * follows. Tags are rule text, so anything that is not a known tactic or a technique id is ignored.
 */

export interface AttackTactic {
  readonly name: string;
  /** `TA00xx`, when ATT&CK has one for this tactic name. */
  readonly uid?: string;
  readonly url?: string;
}

export interface AttackTechnique {
  /** `T1197` or `T1059.001`. */
  readonly uid: string;
  readonly url: string;
}

export interface AttackRefs {
  readonly tactics: readonly AttackTactic[];
  readonly techniques: readonly AttackTechnique[];
}

/** Enterprise ATT&CK tactics by their Sigma tag spelling. */
const TACTICS: Readonly<Record<string, readonly [string, string | undefined]>> = {
  reconnaissance: ['Reconnaissance', 'TA0043'],
  'resource-development': ['Resource Development', 'TA0042'],
  'initial-access': ['Initial Access', 'TA0001'],
  execution: ['Execution', 'TA0002'],
  persistence: ['Persistence', 'TA0003'],
  'privilege-escalation': ['Privilege Escalation', 'TA0004'],
  'defense-evasion': ['Defense Evasion', 'TA0005'],
  'credential-access': ['Credential Access', 'TA0006'],
  discovery: ['Discovery', 'TA0007'],
  'lateral-movement': ['Lateral Movement', 'TA0008'],
  collection: ['Collection', 'TA0009'],
  exfiltration: ['Exfiltration', 'TA0010'],
  'command-and-control': ['Command and Control', 'TA0011'],
  impact: ['Impact', 'TA0040'],
  // Newer SigmaHQ tag; no tactic id confirmed here, so it is shown by name only.
  stealth: ['Stealth', undefined],
};

const TECHNIQUE = /^attack\.(t\d{4})(?:\.(\d{3}))?$/i;

export function attackRefs(tags: readonly string[]): AttackRefs {
  const tactics: AttackTactic[] = [];
  const techniques: AttackTechnique[] = [];
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    const technique = TECHNIQUE.exec(lower);
    if (technique) {
      const base = (technique[1] ?? '').toUpperCase();
      const sub = technique[2];
      techniques.push({
        uid: sub === undefined ? base : `${base}.${sub}`,
        url: `https://attack.mitre.org/techniques/${base}/${sub === undefined ? '' : `${sub}/`}`,
      });
      continue;
    }
    const entry = lower.startsWith('attack.') ? TACTICS[lower.slice('attack.'.length)] : undefined;
    if (entry) {
      const [name, uid] = entry;
      tactics.push(uid === undefined ? { name } : { name, uid, url: `https://attack.mitre.org/tactics/${uid}/` });
    }
  }
  return { tactics, techniques };
}
