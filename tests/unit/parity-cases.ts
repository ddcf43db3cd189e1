/**
 * The parity cases that are not held to the fixtures README's bound (1e-5 · max(1, max|ref|)) over all 100
 * steps, one entry per case, each with its reason, the spread torch itself shows on that case between its
 * float32 and float64 runs (measured by scripts/torch-spread.py, command beside the numbers) and the step after
 * which the case is no longer compared. Every case not listed here is compared at every step with the README's
 * bound. A case listed here is compared up to `until` (losses too), with `bound` in place of 1e-5 if it has one.
 *
 * The measure of "torch's own spread" is what a float32 implementation cannot be asked to beat: where torch's
 * float32 trajectory is 2e-5 from the exact (float64) one, a second float32 implementation that rounds a few
 * operations differently lands anywhere in that range.
 */
export interface WidenedCase {
  /** The fixture's `name`. */
  name: string;
  /** Why the trajectory cannot be followed to the last digit past `until`. */
  reason: string;
  /**
   * torch's own float32 trajectory against its float64 one, from the same start: the largest
   * |θ₃₂ − θ₆₄| / max(1, max|θ₆₄|) over the recorded steps this suite compares (those up to `until`), and
   * over every one of the 100 steps.
   */
  spread: { compared: number; everyStep: number };
  /** How `spread` was measured. */
  command: string;
  /** The last step compared; later recorded steps (and losses) are not compared. */
  until: number;
  /** The relative bound used up to `until` instead of the README's 1e-5 (none: the README's). */
  bound?: number;
}

const command = (folder: string, name: string) => `/usr/bin/python3 scripts/torch-spread.py --every-step ../shared/fixtures/${folder}/${name}.json (torch 1.13, 1 thread)`;

export const widened: readonly WidenedCase[] = [
  {
    name: "adagrad--softmax-regression--lr=0.1",
    reason:
      "Adagrad steps by lr·g/√G, so a weight whose gradients are all tiny still moves by about lr, and carries their relative rounding " +
      "error at full size. Traced (--trace=13): weight[1, 55] (pixel 55 is non-zero in 5 of the 64 images) gets 4.5e-7 and 9.4e-6, then " +
      "about 0 until step 10, where g = 8.6216e-6 in torch's float32 and 8.6256e-6 in float64 (a near-cancelling sum, 5e-4 apart); over " +
      "√G ≈ 1.3e-5 (G includes this g²) that is a step of 0.068 and a 1.7e-5 difference. torch's float32 run stays about that far from its float64 run " +
      "(1.8e-5 from step 13, 2.4e-5 at step 100); ours is 1.2e-5 from torch's float32 at step 10 and 1.7e-5 at step 100. Compared at every " +
      "step with 3e-5, just above torch's own spread.",
    spread: { compared: 2.39e-5, everyStep: 2.39e-5 },
    command: command("torch-optim", "adagrad--softmax-regression--lr=0.1") + "; the trace: --trace=13",
    until: 100,
    bound: 3e-5,
  },
  {
    name: "rmsprop--mlp-mse--lr=0.01-alpha=0.9-eps=0.01-momentum=0.5-centered=True",
    reason:
      "centered RMSprop divides by √(E[g²] − E[g]²), which cancels on the MLP, and momentum carries every rounding forward: the trajectory is " +
      "chaotic: torch's own float32 and float64 runs part from step 25 on (1.3e-6 at step 25, 4.8e-6 at 50, 2.4e-2 at 100; 170 hidden " +
      "pre-activations fall on different sides of the ReLU between the two). Ours leaves torch's float32 the same way (7.3e-6 at step 25, " +
      "1.2e-5 at 50, 3.6e-2 at 100; loss past 1e-4 at step 31). Compared up to step 25.",
    spread: { compared: 1.33e-6, everyStep: 3.45e-2 },
    command: command("torch-optim", "rmsprop--mlp-mse--lr=0.01-alpha=0.9-eps=0.01-momentum=0.5-centered=True"),
    until: 25,
  },
  {
    name: "asgd--mlp-mse--lr=0.01-t0=20",
    reason:
      "ASGD's θ takes SGD steps of lr 0.01 on the MLP's summed squared error, at the edge of stability: the loss bounces (197.7 at step 1, " +
      "69.5 at 6, 90.5 at 11, 34.8 at 16, 77.8 at 21) and each bounce amplifies rounding. torch's own float32 and float64 runs are 7e-7 apart " +
      "up to step 50, then jump in two bursts (8.9e-6 at step 58, 3.7e-5 at 77) just as the loss climbs (29.9 at step 55 to 60.1 at 59, " +
      "32.6 at 73 to 44.9 at 79), with no hidden unit on different sides of the ReLU between them. Ours is " +
      "9.5e-7 from torch's float32 at step 50, 1.6e-5 at 75 and 1.4e-5 at 100. Compared at every step with 4e-5, just above torch's own spread.",
    spread: { compared: 1.52e-5, everyStep: 3.74e-5 },
    command: command("torch-optim-2.13", "asgd--mlp-mse--lr=0.01-t0=20"),
    until: 100,
    bound: 4e-5,
  },
];
