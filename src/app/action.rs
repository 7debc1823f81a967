//! Everything that can change the TUI state, as one enum.

use crate::config::types::Preset;
use crate::train::snapshot::{Command, Snapshot};

/// An input to `App::update`, from a key press or from the training thread.
#[derive(Clone, Debug)]
pub enum Action {
    /// Leave the program (`q`, Ctrl-C).
    Quit,
    /// Close the help overlay if it is open, otherwise quit (Esc).
    Cancel,
    /// Hand the terminal back to the shell and stop the process (Ctrl-Z).
    /// The event loop handles it, so `App::update` never receives it.
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
    /// Show or hide the theory overlays of the function view.
    ToggleOverlays,
    /// Move the focus to the next metric chart (`forward`) or the previous.
    FocusChart {
        forward: bool,
    },
    /// Show the next (`forward`) or previous metric in the focused chart.
    CycleChartMetric {
        forward: bool,
    },
    /// Enter compare mode against the other scaling, or leave it.
    ToggleCompare,
    /// Write the runs' metrics, predictions and charts to a new folder. The
    /// event loop does the writing and reports with `ExportFinished`.
    Export,
    /// The export folder, or why the export failed.
    ExportFinished(Result<std::path::PathBuf, String>),
    /// A snapshot from the training thread of the run at this position.
    Snapshot(usize, Box<Snapshot>),
    /// The training thread hung up, with the reason if one is known.
    TrainerStopped(String),
}

/// Work that `App::update` requests from the training threads.
#[derive(Clone, Debug)]
pub enum Effect {
    /// Send this command to every training thread.
    Broadcast(Command),
    /// Restart the runs with these settings, one preset per run in run
    /// order. When the number of runs stays the same, each training thread
    /// gets a restart command. Otherwise the front end stops every thread
    /// and starts one per preset, and the app starts from fresh run slots,
    /// because the new threads count generations from the start again.
    Restart(Vec<Preset>),
}
