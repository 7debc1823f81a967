//! Everything that can change the TUI state, as one enum.

use crate::train::snapshot::Snapshot;

/// An input to `App::update`, from a key press or from the training thread.
#[derive(Clone, Debug)]
pub enum Action {
    /// Leave the program (`q`, Ctrl-C).
    Quit,
    /// Close the help overlay if it is open, otherwise quit (Esc).
    Cancel,
    /// Hand the terminal back to the shell and stop the process (Ctrl-Z).
    /// The event loop handles it, so `App::update` never sees it.
    Suspend,
    TogglePause,
    /// Restart the current settings from a new initialisation.
    Restart,
    /// Load the bundled preset at this position (0-based).
    SelectPreset(usize),
    NextPreset,
    CycleScaling,
    /// Halve `gamma0` and switch the scaling to gamma0.
    Gamma0Down,
    /// Double `gamma0` and switch the scaling to gamma0.
    Gamma0Up,
    WidthHalve,
    WidthDouble,
    ToggleOptimizer,
    LearningRateUp,
    LearningRateDown,
    ToggleHelp,
    /// A snapshot from the training thread.
    Snapshot(Box<Snapshot>),
    /// The training thread hung up, with the reason if one is known.
    TrainerStopped(String),
}
