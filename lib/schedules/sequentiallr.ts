/**
 * SequentialLR — torch.optim.lr_scheduler.SequentialLR: run one schedule until the first milestone, the next
 * until the second, and so on. At a milestone the next schedule starts over from the initial rate (torch calls
 * its `step(0)`, the closed form at epoch 0), whatever rate the previous one reached.
 *
 * The warm-up-then-cosine recipe: `{ schedulers: [{ name: "linearlr", options: { start_factor: 0.1,
 * total_iters: 10 } }, { name: "cosineannealinglr", options: { T_max: 90 } }], milestones: [10] }`.
 *
 * Schedules are given by name and options (plain data). OneCycleLR and CyclicLR are not taken: each rewrites
 * the group's initial lr or momentum in its constructor, so in torch the result depends on the order the
 * schedules were built in. torch 1.13 → 2.13: 2.13 calls `_update_lr(0)` at a milestone instead of `step(0)`
 * (same values, but it no longer counts as a step) and adds the "expects at least one scheduler" check.
 */
import type { Range } from "../optimizers/types.js";
import { cosineannealinglr } from "./cosineannealinglr.js";
import { cosineannealingwarmrestarts } from "./cosineannealingwarmrestarts.js";
import { exponentiallr } from "./exponentiallr.js";
import { linearlr } from "./linearlr.js";
import { multisteplr } from "./multisteplr.js";
import { polynomiallr } from "./polynomiallr.js";
import { steplr } from "./steplr.js";
import { check, type AnyScheduleDef, type ScheduleDef, type ScheduleState } from "./types.js";
import { resolveScheduleOptions } from "./validate.js";

/** The schedules SequentialLR can sequence, by machine name. */
export const sequenceable = { steplr, multisteplr, exponentiallr, cosineannealinglr, cosineannealingwarmrestarts, linearlr, polynomiallr } as const;

export interface ScheduleSpec {
  name: keyof typeof sequenceable | string;
  options?: Record<string, unknown>;
}

export interface SequentialLROptions {
  schedulers: readonly ScheduleSpec[];
  /** The steps at which the next schedule takes over, increasing; one fewer than the schedulers. */
  milestones: readonly number[];
}

export const defaults: Readonly<Partial<SequentialLROptions>> = Object.freeze({});

export const ranges: Readonly<Partial<Record<keyof SequentialLROptions, Range>>> = Object.freeze({});

export const tex = String.raw`\eta_t = \eta^{(k)}_{t - m_k}, \quad k = \#\{i : m_i \le t\}, \ m_0 = 0`;

export interface SequentialState extends ScheduleState {
  /** torch's initial_lr, from which each later schedule starts. */
  base: number;
  /** Each schedule's own state; null until its milestone. */
  children: (ScheduleState | null)[];
}

// Resolved once per spec object: step() runs every optimizer step and the specs are frozen options.
const resolved = new WeakMap<ScheduleSpec, { def: AnyScheduleDef; options: object }>();

function child(spec: ScheduleSpec): { def: AnyScheduleDef; options: object } {
  let c = resolved.get(spec);
  if (c === undefined) {
    const def = (sequenceable as Record<string, AnyScheduleDef>)[spec.name];
    resolved.set(spec, (c = { def, options: resolveScheduleOptions(def, spec.options) }));
  }
  return c;
}

/** bisect_right(milestones, t) */
function bisectRight(milestones: readonly number[], t: number): number {
  let i = 0;
  while (i < milestones.length && milestones[i] <= t) i++;
  return i;
}

export const sequentiallr: ScheduleDef<SequentialLROptions, SequentialState> = {
  name: "sequentiallr",
  title: "SequentialLR",
  defaults,
  ranges,
  required: ["schedulers", "milestones"],
  tex,
  validate(o) {
    check(Array.isArray(o.schedulers) && o.schedulers.length >= 1, "SequentialLR expects at least one scheduler, but got no scheduler.");
    o.schedulers.forEach((s, i) => {
      const ok = s != null && typeof s === "object" && Object.hasOwn(sequenceable, s.name);
      check(ok, `SequentialLR: scheduler at index ${i} is ${JSON.stringify(s?.name)}; it takes ${Object.keys(sequenceable).join(", ")}`);
      child(s); // validates its options
    });
    check(Array.isArray(o.milestones), `SequentialLR: milestones must be a list, got ${JSON.stringify(o.milestones)}`);
    check(
      o.milestones.length === o.schedulers.length - 1,
      "Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, " +
        `but got number of schedulers ${o.schedulers.length} and the number of milestones to be equal to ${o.milestones.length}`,
    );
    // torch does not check; bisect on an unsorted list picks the wrong schedule.
    check(
      o.milestones.every((m, i) => Number.isInteger(m) && m > 0 && (i === 0 || m > o.milestones[i - 1])),
      `SequentialLR: milestones must be increasing positive integers, got ${JSON.stringify(o.milestones)}`,
    );
  },
  // #region rule
  start(o, group, m) {
    const first = child(o.schedulers[0]);
    const s0 = first.def.start(first.options, group, m) as ScheduleState;
    return { epoch: 0, lr: s0.lr, base: group.lr, children: o.schedulers.map((_, i) => (i === 0 ? s0 : null)) };
  },
  step(o, s, group, m) {
    const t = s.epoch + 1;
    const k = bisectRight(o.milestones, t);
    const { def, options } = child(o.schedulers[k]);
    const prev = s.children[k];
    let next: ScheduleState;
    if (k > 0 && o.milestones[k - 1] === t) next = def.restart!(options, s.base, group, m);
    else if (prev === null) throw new Error(`SequentialLR: schedule ${k} stepped before its milestone`);
    else next = def.step(options, prev, group, m);
    const children = s.children.slice();
    children[k] = next;
    return { epoch: t, lr: next.lr, base: s.base, children };
  },
  // #endregion rule
};
