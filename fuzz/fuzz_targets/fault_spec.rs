//! The emulator's fault spec parser (`--faults`): any text parses or is rejected, never panics.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = text.parse::<trove_emulator::FaultPlan>();
    }
});
