//! The network: parameters, forward and backward passes, empirical kernels.
//! One hidden layer lives in `network`, `gradient` and `empirical`; the
//! hidden layers `2..L` of deeper networks in `deep`.

pub mod activation;
pub mod deep;
pub mod empirical;
pub mod gradient;
pub mod network;
pub mod workspace;

pub use empirical::{Features, empirical_nngp, empirical_ntk, input_kernel};
pub use gradient::{Workspace, loss_and_gradient};
pub use network::{Architecture, HiddenLayer, Params, features, output_f, output_g};
pub use workspace::TrainingWorkspace;
