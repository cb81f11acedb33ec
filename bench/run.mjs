// Benchmark runner placeholder; the benchmarks come in a later change.
console.log('no benchmarks yet');
