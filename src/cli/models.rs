//! `gan models`: the trained models under a folder, as a table (found by the library's
//! [`find_models`](gan::train::runs::find_models)).

use gan::train::runs::ModelEntry;
use std::path::PathBuf;

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
}
