//! `--set` arguments applied to a valid preset: no panic, and an error
//! from an argument quotes that argument.

#![no_main]

use lazyrich::config::{Location, parse_preset};
use libfuzzer_sys::fuzz_target;

const BASE: &str = "[data]\nkind = \"sine-1d\"\ntrain = 8\ntest = 20\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let overrides: Vec<String> = text.split('\n').map(str::to_string).collect();
    let Err(error) = parse_preset(BASE, "base.toml", &overrides) else {
        return;
    };
    if let Location::Override(argument) = &error.location {
        assert!(overrides.contains(argument), "{error}");
    }
});
