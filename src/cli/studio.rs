//! `gan studio`: the local web app (the `studio` feature, on by default).

use super::error::Error;
use std::path::PathBuf;

/// The options of `gan studio`.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct StudioArgs {
    /// The folder of training runs to show, and where runs started in the studio go.
    #[arg(long, value_name = "DIR", default_value = "runs")]
    pub runs: PathBuf,
    /// A data set (folder or .zip, one sub-folder per style) to browse and train on; repeat
    /// for more. The page can use no other folder.
    #[arg(long, value_name = "DIR")]
    pub data: Vec<PathBuf>,
    /// Where generations (with their settings.json) and training logs go.
    #[arg(long, value_name = "DIR", default_value = "studio-out")]
    pub out: PathBuf,
    /// The address to listen on; anything but loopback makes the studio reachable from other
    /// machines (it has no login).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The port; 0 picks a free one. The URL is printed.
    #[arg(long, default_value_t = 7860)]
    pub port: u16,
    /// Device for generation and judging: cpu, wgpu, cuda or cuda:N.
    #[arg(long, default_value = "cpu")]
    pub device: String,
}

impl StudioArgs {
    /// Serves until Ctrl-C.
    pub fn run(&self) -> Result<(), Error> {
        let program = std::env::current_exe()
            .map_err(|e| Error::Usage(format!("cannot find this program: {e}")))?;
        Ok(crate::studio::serve(crate::studio::StudioOptions {
            runs: self.runs.clone(),
            data: self.data.clone(),
            out: self.out.clone(),
            host: self.host.clone(),
            port: self.port,
            device: self.device.clone(),
            program,
        })?)
    }
}
