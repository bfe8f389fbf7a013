spec LeaseTimingNoDriftMargin

// Lease timing whose guard covers the message delay but forgets clock drift.
//
// Model: as in lease_timing.dsl. A lock server grants client A a lease of L seconds; the
// grant takes up to D seconds to arrive, and A holds the lease until its own clock has
// counted L seconds from then. Clocks run at rates within [1 - Rho, 1 + Rho]. The server
// grants the next lease, to B, once its own clock has counted L + Guard seconds.
//
// Query: BothHoldLease — can A and B both believe they hold the lease at the same real time?
//
// Bug: Guard = D covers a grant that arrives late, but not a holder whose clock runs slow
// while the server's runs fast. Safety needs Guard >= (1 + Rho) * D + 2 * Rho * L / (1 - Rho)
// = 0.12012 s here; with 0.1 s Z3 finds A and B both holding the lease for about 10 ms
// (docs/specs/lease_timing.md shows the witness as a timeline).

const L = 10.0       // lease duration, seconds on the holder's clock
const Rho = 0.001    // clock drift bound: 1000 ppm
const D = 0.1        // message delay bound, seconds
const Guard = D      // the server waits L + D on its own clock: drift is forgotten

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

expect violation BothHoldLease
