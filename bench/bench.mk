# Benchmarks: never part of make check.
bench: all
