// The banner printed once the demo territory is loaded: who is who, tokens for three professionals
// as shell variables, and the requests to try first (a nurse's work queue among them).
import { IDNPS, RPPS, type ActorIdentifier } from '@carenet/access';
import { DEMO_KINDS, workQueueQuery, type DemoLoadResult } from './load-territory.js';
import { demoScenario } from './scenario.js';
import { demoCalendar, PATIENTS, PROFESSIONALS, STRUCTURES, type Professional } from './territory.js';

export interface BannerToken {
  /** The shell variable (`NURSE`). */
  readonly variable: string;
  readonly professional: Professional;
  readonly token: string;
}

export interface BannerOptions {
  /** How long the tokens are valid, in seconds. */
  readonly tokenLifetimeSeconds: number;
  /** The command that prints the banner again with fresh tokens. */
  readonly again: string;
}

function identifierText(identifier: ActorIdentifier): string {
  const system =
    identifier.system === RPPS ? 'RPPS' : identifier.system === IDNPS ? 'IDNPS' : identifier.system;
  return `${system} ${identifier.value}`;
}

const PLAN_STATUS: Readonly<Record<string, string>> = {
  draft: 'PPCS in draft',
  active: 'PPCS active',
  'on-hold': 'PPCS on hold',
  completed: 'PPCS completed',
};

/** Who is who: each structure with its professionals, then the patients and their PPCS. */
function territoryLines(): string[] {
  const lines = ['The territory (names and numbers made up):'];
  for (const structure of Object.values(STRUCTURES)) {
    const people = Object.values(PROFESSIONALS)
      .filter((p) => p.structure === structure)
      .map((p) => `${p.actor.name} (${p.role}, ${identifierText(p.actor.identifier)})`);
    lines.push(`  ${structure.name}, FINESS ${structure.finess}`);
    if (people.length > 0) lines.push(`    ${people.join('; ')}`);
  }
  const plans = demoScenario(demoCalendar(new Date())).plans;
  const patients = Object.entries(PATIENTS).map(([key, p]) => {
    const plan = plans.find((candidate) => candidate.patient === key);
    return `${p.given} ${p.family} (INS ${p.nir}${plan ? `, ${PLAN_STATUS[plan.target] ?? plan.target}` : ''})`;
  });
  lines.push('  Patients, all followed by Dr Hélène Marchand:');
  for (const patient of patients) lines.push(`    ${patient}`);
  return lines;
}

/** The banner, as lines of text ending with a newline. */
export function demoBanner(
  result: DemoLoadResult,
  tokens: readonly BannerToken[],
  options: BannerOptions,
): string {
  const counts = DEMO_KINDS.map((kind) => `${result.kinds[kind].total} ${kind}`).join(', ');
  const variable = (professional: Professional) =>
    tokens.find((t) => t.professional === professional)?.variable ?? 'TOKEN';
  const gp = PROFESSIONALS.gp;
  const nurse = result.workQueue.nurse;
  const coordinator = PROFESSIONALS.coordinator;
  const gpId = gp.actor.identifier;
  const minutes = Math.round(options.tokenLifetimeSeconds / 60);
  const lines = [
    '',
    `carenet demo territory loaded through ${result.baseUrl}: ${counts}.`,
    '',
    ...territoryLines(),
    '',
    `Tokens of three of its professionals, valid ${minutes} minutes. New ones (the load creates nothing twice):`,
    `  ${options.again}`,
    '',
    ...tokens.flatMap((t) => [
      `# ${t.professional.actor.name}, ${t.professional.role}, ${t.professional.structure.name} (${identifierText(t.professional.actor.identifier)})`,
      `export ${t.variable}=${t.token}`,
    ]),
    `export FHIR=${result.baseUrl}`,
    '',
    `# ${nurse.actor.name}'s work queue (${result.workQueue.size} Tasks), most urgent first:`,
    `curl -s "$FHIR/${workQueueQuery(nurse)}" -H "Authorization: Bearer $${variable(nurse)}"`,
    `# The patients of ${gp.actor.name}, médecin traitant:`,
    `curl -s "$FHIR/Patient?general-practitioner:identifier=${gpId.system}|${gpId.value}" -H "Authorization: Bearer $${variable(gp)}"`,
    `# The PPCS ${coordinator.actor.name} coordinates, with their care teams:`,
    `curl -s "$FHIR/CarePlan?category=ppcs&_include=CarePlan:care-team" -H "Authorization: Bearer $${variable(coordinator)}"`,
    '',
  ];
  return `${lines.join('\n')}\n`;
}
