spec LeaseTiming

// Lease timing with drifting clocks and slow messages: the real-time side of
// lease_fencing.dsl, as a question for Z3 rather than a state space to search.
//
// Model: a lock server grants client A a lease of L seconds. The grant takes up to D seconds
// to arrive; A believes it holds the lease from the moment the grant arrives until its own
// clock has counted L seconds. No clock is exact: the server's and each client's clock run at
// a rate within [1 - Rho, 1 + Rho] clock seconds per real second. The server grants the next
// lease, to client B, only once its own clock has counted L + Guard seconds since it granted
// A's; B holds it the same way, from when its grant arrives.
//
// Query: BothHoldLease — can A and B both believe they hold the lease at the same real
// time? Impossible (Z3 proves it) exactly when
//
//     Guard >= (1 + Rho) * D + 2 * Rho * L / (1 - Rho)
//
// (derivation and the safe region of L, Rho and D: docs/specs/lease_timing.md). The guard
// must cover the message delay and the drift, which grows with the lease's length. The
// defaults need 0.12012 s; the 0.15 s guard holds. lease_timing_no_drift_margin.dsl
// covers only the delay, and Z3 finds two clients holding the lease at once.
//
// `verikit query specs/lease_timing.dsl` answers in a few hundredths of a second;
// try `--const Rho=0.005` (a guard of 0.15 s is then too short for a 10 s lease).

const L = 10.0       // lease duration, seconds on the holder's clock
const Rho = 0.001    // clock drift bound: 1000 ppm (quartz clocks drift 10 to 100 ppm)
const D = 0.1        // message delay bound, seconds
const Guard = 0.15   // the server waits L + Guard on its own clock before granting again

query BothHoldLease {
  real rate_s, rate_a, rate_b   // clock rates: clock seconds per real second
  real grant_a, recv_a          // real times: the server grants A's lease; A receives it
  real grant_b, recv_b          // the same for B's, the next lease
  real t                        // a real time at which both would hold the lease

  assume grant_a == 0           // real time starts at A's grant (only differences matter)
  assume 1 - Rho <= rate_s and rate_s <= 1 + Rho
  assume 1 - Rho <= rate_a and rate_a <= 1 + Rho
  assume 1 - Rho <= rate_b and rate_b <= 1 + Rho
  assume grant_a <= recv_a and recv_a <= grant_a + D
  assume grant_b <= recv_b and recv_b <= grant_b + D
  // the server's clock counts L + Guard between the two grants
  assume (grant_b - grant_a) * rate_s >= L + Guard

  let a_ends = recv_a + L / rate_a   // when A's clock has counted L since its grant arrived
  let b_ends = recv_b + L / rate_b
  let a_holds = recv_a <= t and t < a_ends
  let b_holds = recv_b <= t and t < b_ends

  never a_holds and b_holds
}
