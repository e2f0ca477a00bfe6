//! The trained models under a folder: what `gan models` lists. Everything shown comes from
//! the checkpoints' `metadata.json`: architecture, image size, data set, steps, date and, when
//! a checkpoint records it, FID.

use crate::Error;
use gan_train::checkpoint::{self, Checkpoint};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// How deep below the folder to look for run folders.
pub const MAX_DEPTH: usize = 4;

/// The options of `gan models`.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct ModelsArgs {
    /// Folder to search: run folders below it (up to four levels deep) are listed.
    #[arg(value_name = "DIR", default_value = "runs")]
    pub dir: PathBuf,
    /// Print JSON (one array of objects) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// One trained model: a run folder and its latest checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelEntry {
    /// The path to give `gan generate`, `interpolate` and `score`: the run folder, or the
    /// checkpoint folder when it stands alone.
    pub model: PathBuf,
    /// The latest checkpoint's folder.
    pub checkpoint: PathBuf,
    /// `dcgan`, `can`, `wgan-gp` or `mlp`.
    pub architecture: String,
    /// Image size in pixels (height = width).
    pub image_size: usize,
    /// The data set's description.
    pub data: String,
    /// Generator steps trained.
    pub steps: usize,
    /// When the checkpoint was written, in seconds since the Unix epoch.
    pub created_unix: u64,
    /// Style names (CAN), empty when unlabelled.
    pub styles: Vec<String>,
    /// The Fréchet Inception Distance, when the checkpoint records one.
    pub fid: Option<f64>,
}

impl ModelEntry {
    fn new(model: PathBuf, checkpoint: Checkpoint) -> Self {
        let m = checkpoint.metadata;
        Self {
            model,
            checkpoint: checkpoint.dir,
            fid: m.metrics.get("fid").and_then(|v| v.as_f64()),
            architecture: m.model.architecture,
            image_size: m.model.image_size,
            data: m.data,
            steps: m.step,
            created_unix: m.created_unix,
            styles: m.class_names,
        }
    }
}

/// A folder below the searched one that holds a model but could not be read.
#[derive(Debug)]
pub struct Unreadable {
    /// The folder.
    pub path: PathBuf,
    /// Why.
    pub error: Error,
}

/// The models under `dir`, sorted by path, and the folders that look like models but could
/// not be read. `dir` may itself be a run folder or a checkpoint folder.
pub fn find_models(dir: &Path) -> Result<(Vec<ModelEntry>, Vec<Unreadable>), Error> {
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a folder (train a model with `gan train dcgan` first; runs go to runs/)",
            dir.display()
        )));
    }
    let mut found = (Vec::new(), Vec::new());
    visit(dir, 0, &mut found);
    found.0.sort_by(|a, b| a.model.cmp(&b.model));
    Ok(found)
}

fn visit(dir: &Path, depth: usize, found: &mut (Vec<ModelEntry>, Vec<Unreadable>)) {
    let is_model = dir.join("metadata.json").is_file() || dir.join("checkpoints").is_dir();
    if is_model {
        match checkpoint::find(dir) {
            Ok(checkpoint) => found.0.push(ModelEntry::new(dir.to_path_buf(), checkpoint)),
            Err(err) => found.1.push(Unreadable {
                path: dir.to_path_buf(),
                error: err.into(),
            }),
        }
        return;
    }
    if depth >= MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut children: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    children.sort();
    for child in children {
        visit(&child, depth + 1, found);
    }
}

/// `unix` seconds as a UTC date and time, `YYYY-MM-DD HH:MM`.
pub fn utc_date(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let minutes = (unix % 86_400) / 60;
    // Days to a civil date (H. Hinnant's algorithm), proleptic Gregorian.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        minutes / 60,
        minutes % 60
    )
}

/// The models as an aligned table with a header row.
pub fn format_table(models: &[ModelEntry]) -> String {
    let header = [
        "MODEL",
        "ARCH",
        "SIZE",
        "STEPS",
        "DATE (UTC)",
        "FID",
        "DATA",
    ];
    let mut rows: Vec<[String; 7]> = vec![header.map(String::from)];
    for m in models {
        rows.push([
            m.model.display().to_string(),
            m.architecture.clone(),
            format!("{0}x{0}", m.image_size),
            m.steps.to_string(),
            utc_date(m.created_unix),
            m.fid.map_or("-".into(), |f| format!("{f:.2}")),
            m.data.clone(),
        ]);
    }
    let mut widths = [0; 7];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (cell, w))| {
                if i + 1 == row.len() {
                    cell.clone()
                } else {
                    format!("{cell:<w$}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// Lists the models of `args.dir`; unreadable ones are returned beside them.
pub fn run(args: &ModelsArgs) -> Result<(Vec<ModelEntry>, Vec<Unreadable>), Error> {
    find_models(&args.dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(utc_date(0), "1970-01-01 00:00");
        assert_eq!(utc_date(951_782_400), "2000-02-29 00:00");
        assert_eq!(utc_date(1_700_000_000), "2023-11-14 22:13");
        assert_eq!(utc_date(4_107_542_399), "2100-02-28 23:59");
    }

    #[test]
    fn table_aligns_columns_and_shows_missing_fid() {
        let entry = |model: &str, fid| ModelEntry {
            model: model.into(),
            checkpoint: format!("{model}/checkpoints/step-00000010").into(),
            architecture: "dcgan".into(),
            image_size: 64,
            data: "embedded".into(),
            steps: 10,
            created_unix: 0,
            styles: vec![],
            fid,
        };
        let table = format_table(&[entry("runs/a", None), entry("runs/longer", Some(41.257))]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("MODEL        ARCH"), "{table}");
        assert!(
            lines[1].contains("64x64") && lines[1].contains(" - "),
            "{table}"
        );
        assert!(lines[2].contains("41.26"), "{table}");
        let column = |line: &str| line.find("dcgan");
        assert_eq!(column(lines[1]), column(lines[2]));
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_it() {
        let err = find_models(Path::new("no/such/runs")).unwrap_err();
        assert!(err.to_string().contains("no/such/runs"), "{err}");
    }
}
