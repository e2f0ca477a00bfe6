//! The learning curve: the two losses, D(x) and D(G(z)), the objective's own metrics
//! (WGAN-GP's Wasserstein estimate, CAN's style accuracy and entropy) and FID over the generator steps,
//! drawn with plotters into a PNG. Text uses the Ubuntu Light font embedded at build time (from the
//! `epaint_default_fonts` crate), so drawing needs no system fonts.

use crate::checkpoint::write_atomic;
use crate::error::TrainError;
use crate::output::fid_log::{FidLog, FidPoint};
use crate::output::metrics::{MetricsLog, StepMetrics};
use crate::output::run_folder::RunFolder;
use burn::config::Config;
use image::RgbImage;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Once;

/// Columns of `metrics.csv` before the objective's own.
const STANDARD_COLUMNS: usize = 8;

/// The font family name the plots use.
const FONT: &str = "sans-serif";

/// The picture's size.
#[derive(Config, Debug, PartialEq)]
pub struct LearningCurveConfig {
    /// Width in pixels.
    #[config(default = 960)]
    pub width: u32,
    /// Height of each panel in pixels: losses, discriminator outputs, and the objective's own
    /// metrics and FID when there are any.
    #[config(default = 360)]
    pub panel_height: u32,
    /// Whether the discriminator's outputs are probabilities (cross-entropy objectives) or raw
    /// scores (hinge margins, critic scores): names the second panel and its lines.
    #[config(default = true)]
    pub probabilities: bool,
}

/// The colour of the FID line.
const FID_COLOR: RGBColor = RGBColor(128, 0, 64);

/// Colours of the objective's own metrics, in order.
const EXTRA_COLORS: [RGBColor; 4] = [
    RGBColor(23, 190, 207),
    RGBColor(188, 189, 34),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
];

/// One line of a panel.
struct Series {
    name: String,
    color: RGBColor,
    values: Vec<(f64, f64)>,
}

fn register_font() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        // The embedded font is valid; should it ever not be, drawing text reports the error.
        let _ = plotters::style::register_font(
            FONT,
            FontStyle::Normal,
            epaint_default_fonts::UBUNTU_LIGHT,
        );
    });
}

/// Exponential moving average with a span of about `span` points.
fn smooth(values: &[(f64, f64)], span: usize) -> Vec<(f64, f64)> {
    let alpha = 2.0 / (span as f64 + 1.0);
    let mut average = None;
    values
        .iter()
        .map(|&(x, y)| {
            let next = average.map_or(y, |a: f64| a + alpha * (y - a));
            average = Some(next);
            (x, next)
        })
        .collect()
}

/// A range holding `values`, widened when they are all equal. `unit` is used when every
/// value lies in [0, 1] (probabilities).
fn value_range(series: &[Series], unit: bool) -> Range<f64> {
    let ys = series.iter().flat_map(|s| s.values.iter().map(|v| v.1));
    let (lo, hi) = ys
        .filter(|y| y.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
            (lo.min(y), hi.max(y))
        });
    if !lo.is_finite() {
        return 0.0..1.0;
    }
    if unit && lo >= 0.0 && hi <= 1.0 {
        return 0.0..1.0;
    }
    let pad = ((hi - lo) * 0.05).max(0.05);
    (lo - pad)..(hi + pad)
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    steps: Range<f64>,
    series: &[Series],
    unit: bool,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let values = value_range(series, unit);
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (FONT, 18))
        .margin(12)
        .x_label_area_size(34)
        .y_label_area_size(56)
        .build_cartesian_2d(steps, values)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("step")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.2}"))
        .label_style((FONT, 13))
        .light_line_style(RGBColor(236, 236, 236))
        .draw()
        .map_err(err)?;
    let points = series.iter().map(|s| s.values.len()).max().unwrap_or(0);
    let span = (points / 40).max(1);
    for s in series {
        let color = s.color;
        if span > 1 {
            // The raw values faintly, their moving average on top.
            chart
                .draw_series(LineSeries::new(s.values.clone(), color.mix(0.25)))
                .map_err(err)?;
        }
        chart
            .draw_series(LineSeries::new(
                smooth(&s.values, span),
                color.stroke_width(2),
            ))
            .map_err(err)?
            .label(s.name.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font((FONT, 13))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(160, 160, 160))
        .draw()
        .map_err(err)
}

impl LearningCurveConfig {
    /// Draws `metrics` (one row per step, in step order): losses on top, D(x) and D(G(z))
    /// below, then a panel with the objective's own metrics ([`StepMetrics::extra`], named by
    /// `extra_names`) when there are any, and a panel with the `fid` measurements when there
    /// are any. With many steps, each line is a moving average over the faint raw values.
    pub fn render(
        &self,
        metrics: &[StepMetrics],
        extra_names: &[String],
        fid: &[FidPoint],
    ) -> Result<RgbImage, TrainError> {
        register_font();
        let panels = 2 + u32::from(!extra_names.is_empty()) + u32::from(!fid.is_empty());
        let width = self.width.max(200);
        let panel_height = self.panel_height.max(100);
        let height = panel_height * panels;
        let column = |f: &dyn Fn(&StepMetrics) -> Option<f32>| -> Vec<(f64, f64)> {
            metrics
                .iter()
                .filter_map(|m| {
                    f(m).filter(|v| v.is_finite())
                        .map(|v| (m.step as f64, v as f64))
                })
                .collect()
        };
        let first = metrics.first().map_or(0.0, |m| m.step as f64);
        let last = metrics.last().map_or(1.0, |m| m.step as f64);
        let fid_series = [Series {
            name: "FID".into(),
            color: FID_COLOR,
            values: fid
                .iter()
                .filter(|p| p.fid.is_finite())
                .map(|p| (p.step as f64, p.fid))
                .collect(),
        }];
        let steps = first..last.max(first + 1.0);
        let losses = [
            Series {
                name: "loss D".into(),
                color: RGBColor(214, 39, 40),
                values: column(&|m| Some(m.discriminator_loss)),
            },
            Series {
                name: "loss G".into(),
                color: RGBColor(31, 119, 180),
                values: column(&|m| Some(m.generator_loss)),
            },
        ];
        let [real, fake] = crate::objective::definition::score_labels(self.probabilities);
        let scores = [
            Series {
                name: real.into(),
                color: RGBColor(44, 160, 44),
                values: column(&|m| Some(m.real_score)),
            },
            Series {
                name: format!("{fake} D step"),
                color: RGBColor(255, 127, 14),
                values: column(&|m| Some(m.fake_score_before)),
            },
            Series {
                name: format!("{fake} G step"),
                color: RGBColor(148, 103, 189),
                values: column(&|m| Some(m.fake_score_after)),
            },
        ];
        let extras: Vec<Series> = extra_names
            .iter()
            .enumerate()
            .map(|(i, name)| Series {
                name: name.clone(),
                color: EXTRA_COLORS[i % EXTRA_COLORS.len()],
                values: column(&|m| m.extra.get(i).copied()),
            })
            .collect();
        let mut buffer = vec![0u8; width as usize * height as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut buffer, (width, height)).into_drawing_area();
            let failed =
                |e: String| TrainError::Setting(format!("drawing the learning curve: {e}"));
            root.fill(&WHITE).map_err(|e| failed(e.to_string()))?;
            let areas = root.split_evenly((panels as usize, 1));
            draw_panel(&areas[0], "losses", steps.clone(), &losses, false).map_err(failed)?;
            draw_panel(
                &areas[1],
                if self.probabilities {
                    "discriminator outputs: P(real)"
                } else {
                    "discriminator outputs: raw scores"
                },
                steps.clone(),
                &scores,
                true,
            )
            .map_err(failed)?;
            let mut next = areas.iter().skip(2);
            if !extras.is_empty()
                && let Some(area) = next.next()
            {
                draw_panel(area, "objective metrics", steps.clone(), &extras, false)
                    .map_err(failed)?;
            }
            if !fid.is_empty()
                && let Some(area) = next.next()
            {
                draw_panel(area, "FID (lower is better)", steps, &fid_series, false)
                    .map_err(failed)?;
            }
            root.present().map_err(|e| failed(e.to_string()))?;
        }
        RgbImage::from_raw(width, height, buffer)
            .ok_or_else(|| TrainError::Setting("learning curve buffer has the wrong size".into()))
    }

    /// Draws `metrics` (see [`render`](Self::render)) into the PNG at `path`, replacing it
    /// atomically (a viewer never sees half a file).
    pub fn save(
        &self,
        metrics: &[StepMetrics],
        extra_names: &[String],
        fid: &[FidPoint],
        path: &Path,
    ) -> Result<(), TrainError> {
        let image = self.render(metrics, extra_names, fid)?;
        let png = crate::sample::encode_png(&image, &[]).map_err(|err| TrainError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(err),
        })?;
        write_atomic(path, &png)
    }

    /// Redraws the run's `learning_curve.png` from its `metrics.csv` (the objective's own
    /// metrics named by its header) and its `fid.csv` when it exists; returns its path.
    pub fn refresh(&self, run: &RunFolder) -> Result<PathBuf, TrainError> {
        let csv = run.metrics();
        let metrics = MetricsLog::read(&csv)?;
        let text = std::fs::read_to_string(&csv).map_err(TrainError::io(&csv))?;
        let extra_names: Vec<String> = text
            .lines()
            .next()
            .unwrap_or_default()
            .split(',')
            .skip(STANDARD_COLUMNS)
            .map(String::from)
            .collect();
        let fid = FidLog::read(&run.fid_log())?;
        let path = run.learning_curve();
        self.save(&metrics, &extra_names, &fid, &path)?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics(steps: usize) -> Vec<StepMetrics> {
        (1..=steps)
            .map(|step| {
                let t = step as f32 / steps as f32;
                StepMetrics {
                    step,
                    epoch: 0,
                    discriminator_loss: 1.4 - t,
                    generator_loss: 0.7 + 2.0 * t,
                    real_score: 0.5 + 0.4 * t,
                    fake_score_before: 0.5 - 0.4 * t,
                    fake_score_after: 0.45 - 0.4 * t,
                    images_per_second: 10.0,
                    extra: vec![3.0 * t, 1.0 - t],
                }
            })
            .collect()
    }

    /// Pixels of exactly `color` in `image`.
    fn count(image: &RgbImage, color: [u8; 3]) -> usize {
        image.pixels().filter(|p| p.0 == color).count()
    }

    #[test]
    fn draws_every_line_and_text() {
        let image = LearningCurveConfig::new()
            .render(&metrics(500), &[], &[])
            .unwrap();
        assert_eq!(image.dimensions(), (960, 720));
        for color in [[214, 39, 40], [31, 119, 180], [44, 160, 44], [255, 127, 14]] {
            assert!(count(&image, color) > 100, "line {color:?} is drawn");
        }
        // Text is anti-aliased grey-to-black: the labels put many dark pixels on the plot.
        let dark = image
            .pixels()
            .filter(|p| p.0.iter().all(|&c| c < 60))
            .count();
        assert!(dark > 500, "labels are drawn ({dark} dark pixels)");
    }

    #[test]
    fn one_step_and_no_steps_still_draw() {
        let config = LearningCurveConfig::new()
            .with_width(300)
            .with_panel_height(120);
        assert_eq!(
            config.render(&metrics(1), &[], &[]).unwrap().dimensions(),
            (300, 240)
        );
        assert_eq!(
            config.render(&[], &[], &[]).unwrap().dimensions(),
            (300, 240)
        );
    }

    #[test]
    fn the_objective_metrics_get_a_third_panel() {
        let names = ["wasserstein".to_string(), "grad_norm".to_string()];
        let image = LearningCurveConfig::new()
            .render(&metrics(50), &names, &[])
            .unwrap();
        assert_eq!(image.dimensions(), (960, 1080));
        let (first, second) = (EXTRA_COLORS[0].rgb(), EXTRA_COLORS[1].rgb());
        for color in [[first.0, first.1, first.2], [second.0, second.1, second.2]] {
            let below: usize = image
                .enumerate_pixels()
                .filter(|(_, y, p)| *y >= 720 && p.0 == color)
                .count();
            assert!(below > 100, "{color:?} is drawn in the third panel");
        }
    }

    #[test]
    fn fid_gets_its_own_panel_at_the_bottom() {
        let fid: Vec<FidPoint> = (1..=5)
            .map(|i| FidPoint {
                step: i * 10,
                fid: 300.0 - 40.0 * i as f64,
            })
            .collect();
        let image = LearningCurveConfig::new()
            .render(&metrics(50), &[], &fid)
            .unwrap();
        assert_eq!(image.dimensions(), (960, 1080));
        let fid_pixels = |rows: std::ops::Range<u32>| {
            image
                .enumerate_pixels()
                .filter(|(_, y, p)| rows.contains(y) && p.0 == [128, 0, 64])
                .count()
        };
        assert!(fid_pixels(720..1080) > 300, "the FID line is drawn");
        assert_eq!(fid_pixels(0..720), 0, "and only in its panel");
        // With objective metrics too, FID moves to a fourth panel.
        let names = ["wasserstein".to_string(), "grad_norm".to_string()];
        let image = LearningCurveConfig::new()
            .render(&metrics(50), &names, &fid)
            .unwrap();
        assert_eq!(image.dimensions(), (960, 1440));
    }
}
