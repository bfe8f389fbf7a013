spec FaultingCounter

// x may not exceed 3, but `bump` does not check: from x = 3 it assigns 4, a runtime fault.
// `verikit prove` meets the fault in its base case and stops there, as `verikit check` does.

var x: 0..3 = 0

action bump { x = x + 1 }

invariant Small: x <= 3
