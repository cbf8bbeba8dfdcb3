// A run at the seed's point as the Capacity loader gives it (shared by the figure's tests).
export const seedRun = (
  task: string,
  contender: string,
  width: number,
  seed: number,
  error: number,
  converged = true
) => ({
  task,
  contender,
  width,
  seed,
  error,
  converged
});
