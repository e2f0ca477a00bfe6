//! The per-step metrics CSV: losses, D(x), D(G(z)) and throughput.

use crate::error::TrainError;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// The numbers of one generator step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepMetrics {
    /// Generator steps done, 1-based.
    pub step: usize,
    /// The epoch the step's last batch came from, 0-based.
    pub epoch: usize,
    /// The discriminator's loss (its last step).
    pub discriminator_loss: f32,
    /// The generator's loss.
    pub generator_loss: f32,
    /// Mean D(x) on real images.
    pub real_score: f32,
    /// Mean D(G(z)) before the discriminator's update.
    pub fake_score_before: f32,
    /// Mean D(G(z)) after the discriminator's update (the generator's view).
    pub fake_score_after: f32,
    /// Real images per second over this step.
    pub images_per_second: f32,
    /// The objective's own statistics, in the order of its
    /// [`metric_names`](crate::objective::Objective::metric_names).
    pub extra: Vec<f32>,
}

const HEADER: &str = "step,epoch,loss_d,loss_g,d_x,d_g_z1,d_g_z2,images_per_s";

/// An append-only CSV of [`StepMetrics`], one row per step.
pub struct MetricsLog {
    path: PathBuf,
    file: File,
}

impl MetricsLog {
    /// Opens `path` for a run resumed after `resume_step` steps (0 for a new run): rows after
    /// that step (from a run that went further before it stopped) are dropped, and the header
    /// is written, with `extra` columns after the standard ones.
    pub fn open(path: &Path, resume_step: usize, extra: &[&str]) -> Result<Self, TrainError> {
        let mut header = HEADER.to_string();
        for name in extra {
            header.push(',');
            header.push_str(name);
        }
        let file = open_resumed_csv(path, resume_step, &header)?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Appends one row.
    pub fn append(&mut self, m: &StepMetrics) -> Result<(), TrainError> {
        let extra: String = m.extra.iter().map(|v| format!(",{v}")).collect();
        writeln!(
            self.file,
            "{},{},{},{},{},{},{},{:.2}{extra}",
            m.step,
            m.epoch,
            m.discriminator_loss,
            m.generator_loss,
            m.real_score,
            m.fake_score_before,
            m.fake_score_after,
            m.images_per_second
        )
        .map_err(TrainError::io(&self.path))
    }

    /// Reads every row of a metrics CSV (extra columns into [`StepMetrics::extra`]).
    pub fn read(path: &Path) -> Result<Vec<StepMetrics>, TrainError> {
        Self::read_columns(path).map(|(_, rows)| rows)
    }

    /// The column names of a metrics CSV (its header) and every complete row. A last line
    /// without its newline is a row being written by a live run and is left for the next read.
    pub fn read_columns(path: &Path) -> Result<(Vec<String>, Vec<StepMetrics>), TrainError> {
        let text = std::fs::read_to_string(path).map_err(TrainError::io(path))?;
        let complete = match text.rfind('\n') {
            Some(end) => &text[..=end],
            None => "",
        };
        let bad = |line: &str| {
            TrainError::Setting(format!("bad metrics row in {}: {line}", path.display()))
        };
        let mut lines = complete.lines();
        let columns = lines
            .next()
            .map(|header| header.split(',').map(str::to_string).collect())
            .unwrap_or_default();
        let rows = lines
            .map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                if f.len() < 8 {
                    return Err(bad(line));
                }
                let num = |i: usize| f[i].parse::<f32>().map_err(|_| bad(line));
                Ok(StepMetrics {
                    step: f[0].parse().map_err(|_| bad(line))?,
                    epoch: f[1].parse().map_err(|_| bad(line))?,
                    discriminator_loss: num(2)?,
                    generator_loss: num(3)?,
                    real_score: num(4)?,
                    fake_score_before: num(5)?,
                    fake_score_after: num(6)?,
                    images_per_second: num(7)?,
                    extra: (8..f.len()).map(num).collect::<Result<_, _>>()?,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok((columns, rows))
    }
}

/// Opens the per-step CSV at `path` for a run resumed after `resume_step` steps (0 for a new
/// run): writes `header`, then the rows of the old file whose first column is a step at or
/// before `resume_step` (rows of a run that went further before it stopped are dropped).
pub(crate) fn open_resumed_csv(
    path: &Path,
    resume_step: usize,
    header: &str,
) -> Result<File, TrainError> {
    let mut kept = Vec::new();
    if resume_step > 0 && path.exists() {
        let file = File::open(path).map_err(TrainError::io(path))?;
        for line in BufReader::new(file).lines() {
            let line = line.map_err(TrainError::io(path))?;
            let step = line.split(',').next().and_then(|s| s.parse::<usize>().ok());
            if step.is_some_and(|s| s <= resume_step) {
                kept.push(line);
            }
        }
    }
    let mut file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .open(path)
        .map_err(TrainError::io(path))?;
    writeln!(file, "{header}").map_err(TrainError::io(path))?;
    for line in kept {
        writeln!(file, "{line}").map_err(TrainError::io(path))?;
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_being_written_is_left_for_the_next_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("metrics.csv");
        std::fs::write(
            &path,
            format!("{HEADER},style_acc\n1,0,1,2,0.5,0.4,0.3,10.00,0.9\n2,0,1.1,2.1,0.6"),
        )
        .unwrap();
        let (columns, rows) = MetricsLog::read_columns(&path).unwrap();
        assert_eq!(columns.len(), 9);
        assert_eq!(columns[8], "style_acc");
        assert_eq!(rows.len(), 1, "the unfinished row 2 is not read");
        assert_eq!((rows[0].step, rows[0].extra.clone()), (1, vec![0.9]));
        std::fs::write(&path, format!("{HEADER}\n1,0,x\n")).unwrap();
        assert!(
            MetricsLog::read(&path).is_err(),
            "a complete bad row is an error"
        );
    }
}
