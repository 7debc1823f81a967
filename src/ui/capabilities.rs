//! Terminal capabilities read from the environment: the colour depth,
//! `NO_COLOR`, and the locale's character set.
//!
//! Each check takes a variable lookup, so tests pass their own values
//! instead of changing the process environment.

/// Number of colours the terminal can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorDepth {
    /// No colours: `NO_COLOR` is set or `TERM` is `dumb`.
    Monochrome,
    /// The 16 ANSI colours, assumed when nothing more is known.
    Ansi16,
    /// The xterm 256-colour palette (`TERM` ending in `-256color`).
    Ansi256,
    /// 24-bit colour (`COLORTERM` is `truecolor` or `24bit`).
    TrueColor,
}

impl ColorDepth {
    /// Detects the colour depth from `NO_COLOR`, `COLORTERM` and `TERM`.
    ///
    /// `NO_COLOR` set to any non-empty value turns colour off (the
    /// no-color.org convention), and so does `TERM=dumb`. Otherwise
    /// `COLORTERM=truecolor` or `24bit` gives 24-bit colour, a `TERM` that
    /// ends in `256color` gives 256 colours, and anything else 16.
    pub fn detect(var: impl Fn(&str) -> Option<String>) -> ColorDepth {
        if var("NO_COLOR").is_some_and(|value| !value.is_empty()) {
            return ColorDepth::Monochrome;
        }
        let term = var("TERM").unwrap_or_default();
        if term == "dumb" {
            return ColorDepth::Monochrome;
        }
        let colorterm = var("COLORTERM").unwrap_or_default().to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return ColorDepth::TrueColor;
        }
        if term.ends_with("256color") {
            return ColorDepth::Ansi256;
        }
        ColorDepth::Ansi16
    }

    /// Name for logs and the help text.
    pub fn name(self) -> &'static str {
        match self {
            ColorDepth::Monochrome => "monochrome",
            ColorDepth::Ansi16 => "16 colours",
            ColorDepth::Ansi256 => "256 colours",
            ColorDepth::TrueColor => "24-bit colour",
        }
    }
}

/// Returns whether the locale's character set is UTF-8, so that braille
/// and box-drawing characters can be drawn.
///
/// The locale is the first non-empty value of `LC_ALL`, `LC_CTYPE` and
/// `LANG`, the order in which POSIX resolves the character type. Without
/// any of them the locale is "C", which is ASCII. The check looks for
/// `UTF-8` or `utf8` in the name, in any case.
pub fn locale_is_utf8(var: impl Fn(&str) -> Option<String>) -> bool {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .into_iter()
        .filter_map(&var)
        .find(|value| !value.is_empty());
    locale.is_some_and(|name| {
        let normalized = name.to_ascii_lowercase().replace('-', "");
        normalized.contains("utf8")
    })
}

/// Looks up a variable in the process environment. Values that are not
/// valid Unicode count as unset.
pub fn process_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a lookup over fixed `(name, value)` pairs.
    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        }
    }

    #[test]
    fn color_depth_from_variables() {
        let cases: [(&[(&str, &str)], ColorDepth); 9] = [
            (&[], ColorDepth::Ansi16),
            (&[("TERM", "xterm")], ColorDepth::Ansi16),
            (&[("TERM", "xterm-256color")], ColorDepth::Ansi256),
            (&[("TERM", "tmux-256color")], ColorDepth::Ansi256),
            (
                &[("TERM", "xterm"), ("COLORTERM", "truecolor")],
                ColorDepth::TrueColor,
            ),
            (&[("COLORTERM", "24bit")], ColorDepth::TrueColor),
            (
                &[("TERM", "dumb"), ("COLORTERM", "truecolor")],
                ColorDepth::Monochrome,
            ),
            (
                &[("NO_COLOR", "1"), ("COLORTERM", "truecolor")],
                ColorDepth::Monochrome,
            ),
            (
                &[("NO_COLOR", ""), ("TERM", "screen-256color")],
                ColorDepth::Ansi256,
            ),
        ];
        for (pairs, expected) in cases {
            assert_eq!(ColorDepth::detect(vars(pairs)), expected, "{pairs:?}");
        }
    }

    #[test]
    fn locale_utf8_precedence() {
        let cases: [(&[(&str, &str)], bool); 9] = [
            (&[], false),
            (&[("LANG", "en_US.UTF-8")], true),
            (&[("LANG", "C.utf8")], true),
            (&[("LANG", "C")], false),
            (&[("LANG", "POSIX")], false),
            (&[("LANG", "de_DE.ISO-8859-1")], false),
            (&[("LANG", "en_US.UTF-8"), ("LC_ALL", "C")], false),
            (&[("LANG", "C"), ("LC_CTYPE", "en_US.UTF-8")], true),
            (&[("LC_ALL", ""), ("LANG", "en_GB.UTF-8")], true),
        ];
        for (pairs, expected) in cases {
            assert_eq!(locale_is_utf8(vars(pairs)), expected, "{pairs:?}");
        }
    }
}
