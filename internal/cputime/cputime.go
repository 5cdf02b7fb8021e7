// Package cputime reads the CPU time this process has used. Benchmarks
// report it beside wall time: on a shared machine it says more about the
// work done than the wall time does, which also counts the neighbours.
package cputime
