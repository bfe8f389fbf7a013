// expect: violated invariant=Bounded steps=2
// A variant whose inc overshoots; everything it does not restate is variant_base.dsl's.
spec MeterOvershoots extends "../holds/variant_base.dsl"
action inc when x < Max { x = x + 2 }
