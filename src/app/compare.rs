//! Compare mode: which runs the `c` key sets side by side, and how a key
//! edit applies to all of them at once.

use super::preset_edit::EditOutcome;
use crate::config::types::{Preset, Scaling};
use crate::ui::format::format_value;

/// Legend label of a run that differs from its partner in the scaling:
/// "standard", "mean-field" or "gamma0=0.25".
pub fn scaling_label(preset: &Preset) -> String {
    match preset.model.scaling {
        Scaling::Gamma0 => format!("gamma0={}", format_value(preset.model.gamma0)),
        scaling => scaling.name().to_string(),
    }
}

/// Returns `preset` with the opposite scaling and everything else kept:
/// standard becomes mean-field, and mean-field or gamma0 become standard.
pub fn counterpart(preset: &Preset) -> Preset {
    let mut other = preset.clone();
    other.model.scaling = match preset.model.scaling {
        Scaling::Standard => Scaling::MeanField,
        Scaling::MeanField | Scaling::Gamma0 => Scaling::Standard,
    };
    other
}

/// Applies `edit` to every preset, or to none of them when it rejects any.
/// The message is that of the first preset, with the run count appended
/// when there are several.
pub fn edit_all(
    presets: &mut [&mut Preset],
    edit: impl Fn(&mut Preset) -> EditOutcome,
) -> EditOutcome {
    let mut edited: Vec<Preset> = Vec::with_capacity(presets.len());
    let mut first_message = None;
    for preset in presets.iter() {
        let mut copy = (*preset).clone();
        match edit(&mut copy) {
            EditOutcome::Changed(message) => {
                first_message.get_or_insert(message);
            }
            rejected @ EditOutcome::Rejected(_) => return rejected,
        }
        edited.push(copy);
    }
    for (preset, copy) in presets.iter_mut().zip(edited) {
        **preset = copy;
    }
    let message = first_message.unwrap_or_default();
    if presets.len() > 1 {
        EditOutcome::Changed(format!("{message} (all {} runs)", presets.len()))
    } else {
        EditOutcome::Changed(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::sample_preset;
    use crate::app::preset_edit::scale_width;

    #[test]
    fn counterpart_swaps_scaling_only() {
        let rich = sample_preset();
        let lazy = counterpart(&rich);
        assert_eq!(lazy.model.scaling, Scaling::Standard);
        assert_eq!(counterpart(&lazy).model.scaling, Scaling::MeanField);
        let mut back = lazy.clone();
        back.model.scaling = Scaling::MeanField;
        assert_eq!(back, rich);

        let mut knob = sample_preset();
        knob.model.scaling = Scaling::Gamma0;
        knob.model.gamma0 = 0.25;
        assert_eq!(counterpart(&knob).model.scaling, Scaling::Standard);
        assert_eq!(scaling_label(&knob), "gamma0=0.25");
        assert_eq!(scaling_label(&lazy), "standard");
    }

    #[test]
    fn edit_all_changes_every_preset() {
        let mut a = sample_preset();
        let mut b = counterpart(&a);
        let outcome = edit_all(&mut [&mut a, &mut b], |p| scale_width(p, true));
        assert_eq!(
            outcome,
            EditOutcome::Changed("width 4096 -> 8192 (all 2 runs)".to_string())
        );
        assert_eq!(a.model.width, 8192);
        assert_eq!(b.model.width, 8192);
    }

    #[test]
    fn edit_all_rejection_changes_none() {
        let mut a = sample_preset();
        let mut b = counterpart(&a);
        b.model.width = 65_536;
        let outcome = edit_all(&mut [&mut a, &mut b], |p| scale_width(p, true));
        assert!(matches!(outcome, EditOutcome::Rejected(_)), "{outcome:?}");
        assert_eq!(a.model.width, 4096);
        assert_eq!(b.model.width, 65_536);
    }
}
