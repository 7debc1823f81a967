//! Preset text through parsing and validation: no panic, and every error
//! position lies inside the text.

#![no_main]

use lazyrich::config::parse_preset;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Err(error) = parse_preset(text, "fuzz.toml", &[]) else {
        return;
    };
    if let (Some(line), Some(column)) = (error.line(), error.column()) {
        assert!(line >= 1, "{error}");
        assert!(column >= 1, "{error}");
        // A position may point just past the last line or character, where
        // a missing value or bracket was expected.
        let lines: Vec<&str> = text.split('\n').collect();
        assert!(line <= lines.len(), "{error}");
        let length = lines[line - 1].chars().count();
        assert!(column <= length + 1, "{error}");
    }
});
