// expect: error 4:14 cannot compare
spec Types
var log: seq<int> = []
invariant I: log == true
