//! Key bindings: key presses to `Action`s.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;

/// Maps a key event to its action. Only presses count, so terminals that
/// also report releases and repeats still give one action per press.
pub fn action_for_key(key: KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') | KeyCode::Char('C') => Some(Action::Quit),
            // Raw mode turns off the terminal's own Ctrl-Z, so it arrives as a key.
            KeyCode::Char('z') | KeyCode::Char('Z') => Some(Action::Suspend),
            _ => None,
        };
    }
    match key.code {
        KeyCode::Esc => Some(Action::Cancel),
        KeyCode::Tab => Some(Action::FocusChart { forward: true }),
        KeyCode::BackTab => Some(Action::FocusChart { forward: false }),
        KeyCode::Char(c) => action_for_char(c),
        _ => None,
    }
}

fn action_for_char(c: char) -> Option<Action> {
    let action = match c {
        'q' => Action::Quit,
        ' ' => Action::TogglePause,
        'r' => Action::Restart,
        'p' => Action::NextPreset,
        's' => Action::CycleScaling,
        '[' => Action::Gamma0Down,
        ']' => Action::Gamma0Up,
        'w' => Action::WidthHalve,
        'W' => Action::WidthDouble,
        'l' => Action::ToggleOptimizer,
        // '=' shares the key with '+' on US layouts, so it works without Shift.
        '+' | '=' => Action::LearningRateUp,
        '-' => Action::LearningRateDown,
        '?' => Action::ToggleHelp,
        'o' => Action::ToggleOverlays,
        'c' => Action::ToggleCompare,
        'm' => Action::CycleChartMetric { forward: true },
        'M' => Action::CycleChartMetric { forward: false },
        'e' => Action::Export,
        '1'..='9' => Action::SelectPreset(c as usize - '1' as usize),
        _ => return None,
    };
    Some(action)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventState;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn describe(action: Option<Action>) -> String {
        format!("{action:?}")
    }

    #[test]
    fn keymap_maps_every_key() {
        let cases: [(KeyCode, &str); 24] = [
            (KeyCode::Char('q'), "Some(Quit)"),
            (KeyCode::Esc, "Some(Cancel)"),
            (KeyCode::Char(' '), "Some(TogglePause)"),
            (KeyCode::Char('r'), "Some(Restart)"),
            (KeyCode::Char('1'), "Some(SelectPreset(0))"),
            (KeyCode::Char('9'), "Some(SelectPreset(8))"),
            (KeyCode::Char('p'), "Some(NextPreset)"),
            (KeyCode::Char('s'), "Some(CycleScaling)"),
            (KeyCode::Char('['), "Some(Gamma0Down)"),
            (KeyCode::Char(']'), "Some(Gamma0Up)"),
            (KeyCode::Char('w'), "Some(WidthHalve)"),
            (KeyCode::Char('W'), "Some(WidthDouble)"),
            (KeyCode::Char('l'), "Some(ToggleOptimizer)"),
            (KeyCode::Char('+'), "Some(LearningRateUp)"),
            (KeyCode::Char('='), "Some(LearningRateUp)"),
            (KeyCode::Char('-'), "Some(LearningRateDown)"),
            (KeyCode::Char('?'), "Some(ToggleHelp)"),
            (KeyCode::Char('o'), "Some(ToggleOverlays)"),
            (KeyCode::Char('c'), "Some(ToggleCompare)"),
            (KeyCode::Char('e'), "Some(Export)"),
            (KeyCode::Tab, "Some(FocusChart { forward: true })"),
            (KeyCode::BackTab, "Some(FocusChart { forward: false })"),
            (
                KeyCode::Char('m'),
                "Some(CycleChartMetric { forward: true })",
            ),
            (
                KeyCode::Char('M'),
                "Some(CycleChartMetric { forward: false })",
            ),
        ];
        for (code, expected) in cases {
            assert_eq!(describe(action_for_key(press(code))), expected, "{code:?}");
        }
    }

    #[test]
    fn keymap_shifted_keys_still_map() {
        let shifted = KeyEvent::new(KeyCode::Char('W'), KeyModifiers::SHIFT);
        assert_eq!(describe(action_for_key(shifted)), "Some(WidthDouble)");
        let plus = KeyEvent::new(KeyCode::Char('+'), KeyModifiers::SHIFT);
        assert_eq!(describe(action_for_key(plus)), "Some(LearningRateUp)");
    }

    #[test]
    fn keymap_ctrl_c_quits_ctrl_z_suspends() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(describe(action_for_key(ctrl_c)), "Some(Quit)");
        let ctrl_z = KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL);
        assert_eq!(describe(action_for_key(ctrl_z)), "Some(Suspend)");
        let ctrl_r = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL);
        assert_eq!(describe(action_for_key(ctrl_r)), "None");
    }

    #[test]
    fn keymap_ignores_release_and_repeat() {
        for kind in [KeyEventKind::Release, KeyEventKind::Repeat] {
            let event = KeyEvent::new_with_kind_and_state(
                KeyCode::Char('q'),
                KeyModifiers::NONE,
                kind,
                KeyEventState::NONE,
            );
            assert_eq!(describe(action_for_key(event)), "None", "{kind:?}");
        }
    }

    #[test]
    fn keymap_ignores_unbound_keys() {
        for code in [
            KeyCode::Char('0'),
            KeyCode::Char('x'),
            KeyCode::Enter,
            KeyCode::F(1),
        ] {
            assert_eq!(describe(action_for_key(press(code))), "None", "{code:?}");
        }
    }
}
