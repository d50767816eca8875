//! Shared helpers of the conformance and differential suites (real servers and emulator).
