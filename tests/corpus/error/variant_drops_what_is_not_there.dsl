// expect: error 4:1 the base spec has no invariant Tiny to drop
// `drop` names a declaration the base must have, with the keyword that declares it.
spec MeterDrop extends "../holds/variant_base.dsl"
drop invariant Tiny
