//! The embedded data set: procedurally painted images in five labelled styles, deterministic
//! from a seed and rendered at any size, so training and CAN's style labels need no download.

use crate::error::DataError;
use crate::item::PaintingItem;
use crate::random::{SplitMix64, derive_seed};
use burn::config::Config;
use burn::data::dataset::{Dataset, DatasetError};
use std::f32::consts::{PI, TAU};

/// The styles of the embedded set. The label of image `i` is `i % 5`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaintingStyle {
    /// Bold rectangles, discs and black bars on a light ground (Mondrian, Kandinsky).
    GeometricAbstraction,
    /// Soft-edged horizontal bands of related colours (Rothko).
    ColourField,
    /// Sky gradient, sun with a glow, layered hills below a horizon.
    Landscape,
    /// Many short strokes along a flow direction (impressionist texture).
    BrushStrokes,
    /// Wavy two-colour stripes (Op art, Bridget Riley).
    OpArt,
}

impl PaintingStyle {
    /// All styles, in label order.
    pub const ALL: [PaintingStyle; 5] = [
        Self::GeometricAbstraction,
        Self::ColourField,
        Self::Landscape,
        Self::BrushStrokes,
        Self::OpArt,
    ];

    /// The style's name, used as its class name.
    pub fn name(self) -> &'static str {
        match self {
            Self::GeometricAbstraction => "geometric-abstraction",
            Self::ColourField => "colour-field",
            Self::Landscape => "landscape",
            Self::BrushStrokes => "brush-strokes",
            Self::OpArt => "op-art",
        }
    }
}

/// Configuration of the embedded procedural painting set.
#[derive(Config, Debug, PartialEq)]
pub struct ProceduralPaintingsConfig {
    /// Number of images.
    #[config(default = 2560)]
    pub len: usize,
    /// Seed: the same seed always paints the same images.
    #[config(default = 7)]
    pub seed: u64,
}

impl ProceduralPaintingsConfig {
    /// The data set, served at `image_size` x `image_size`.
    pub fn init(&self, image_size: usize) -> Result<ProceduralPaintings, DataError> {
        if self.len == 0 {
            return Err(DataError::ZeroSize {
                field: "procedural data set length",
                value: 0,
            });
        }
        if image_size == 0 {
            return Err(DataError::ZeroSize {
                field: "image size",
                value: 0,
            });
        }
        Ok(ProceduralPaintings {
            len: self.len,
            seed: self.seed,
            image_size,
        })
    }
}

/// Procedurally painted images in five styles ([`PaintingStyle`]), painted on demand.
#[derive(Debug, Clone)]
pub struct ProceduralPaintings {
    len: usize,
    seed: u64,
    image_size: usize,
}

impl ProceduralPaintings {
    /// The style names, in label order.
    pub fn class_names(&self) -> Vec<String> {
        PaintingStyle::ALL
            .iter()
            .map(|s| s.name().to_string())
            .collect()
    }

    /// The style of image `index`.
    pub fn style_of(&self, index: usize) -> PaintingStyle {
        PaintingStyle::ALL[index % PaintingStyle::ALL.len()]
    }

    /// Paints image `index`.
    pub fn paint(&self, index: usize) -> PaintingItem {
        let style = self.style_of(index);
        let mut rng = SplitMix64::new(derive_seed(&[self.seed, index as u64]));
        let mut canvas = Canvas::new(self.image_size);
        match style {
            PaintingStyle::GeometricAbstraction => geometric(&mut canvas, &mut rng),
            PaintingStyle::ColourField => colour_field(&mut canvas, &mut rng),
            PaintingStyle::Landscape => landscape(&mut canvas, &mut rng),
            PaintingStyle::BrushStrokes => brush_strokes(&mut canvas, &mut rng),
            PaintingStyle::OpArt => op_art(&mut canvas, &mut rng),
        }
        PaintingItem {
            pixels: canvas.into_rgb8(),
            width: self.image_size,
            height: self.image_size,
            label: Some(index % PaintingStyle::ALL.len()),
        }
    }
}

impl ProceduralPaintings {
    /// Writes every image as a PNG into `dir/<style>/NNNNN.png` (a folder any `--data` or
    /// PyTorch `ImageFolder` reads), creating the folders. Returns how many were written.
    pub fn export(&self, dir: &std::path::Path) -> Result<usize, DataError> {
        let io = |path: &std::path::Path| {
            let path = path.to_path_buf();
            move |source: std::io::Error| DataError::Write { path, source }
        };
        for index in 0..self.len {
            let folder = dir.join(self.style_of(index).name());
            std::fs::create_dir_all(&folder).map_err(io(&folder))?;
            let item = self.paint(index);
            let path = folder.join(format!("{index:05}.png"));
            let size = self.image_size as u32;
            image::save_buffer(&path, &item.pixels, size, size, image::ColorType::Rgb8)
                .map_err(|e| io(&path)(std::io::Error::other(e)))?;
        }
        Ok(self.len)
    }
}

impl Dataset<PaintingItem> for ProceduralPaintings {
    fn get(&self, index: usize) -> Result<PaintingItem, DatasetError> {
        Ok(self.paint(index))
    }

    fn len(&self) -> usize {
        self.len
    }
}

type Rgb = [f32; 3];

/// A float RGB canvas addressed in unit coordinates: `(0, 0)` top left, `(1, 1)` bottom right.
struct Canvas {
    size: usize,
    pixels: Vec<Rgb>,
}

impl Canvas {
    fn new(size: usize) -> Self {
        Self {
            size,
            pixels: vec![[0.0; 3]; size * size],
        }
    }

    fn coord(&self, i: usize) -> f32 {
        (i as f32 + 0.5) / self.size as f32
    }

    /// Sets every pixel from a function of its centre `(x, y)`.
    fn fill(&mut self, f: impl Fn(f32, f32) -> Rgb) {
        for y in 0..self.size {
            for x in 0..self.size {
                self.pixels[y * self.size + x] = f(self.coord(x), self.coord(y));
            }
        }
    }

    /// Blends `color` over the pixels of the box `[x0, x1] x [y0, y1]` with the coverage
    /// `alpha(x, y)`.
    fn paint_box(&mut self, bounds: [f32; 4], color: Rgb, alpha: impl Fn(f32, f32) -> f32) {
        let n = self.size as f32;
        let lo = |v: f32| ((v * n).floor().max(0.0) as usize).min(self.size);
        let hi = |v: f32| ((v * n).ceil().max(0.0) as usize).min(self.size);
        let [x0, y0, x1, y1] = bounds;
        for y in lo(y0)..hi(y1) {
            for x in lo(x0)..hi(x1) {
                let a = alpha(self.coord(x), self.coord(y)).clamp(0.0, 1.0);
                if a > 0.0 {
                    let p = &mut self.pixels[y * self.size + x];
                    for c in 0..3 {
                        p[c] += (color[c] - p[c]) * a;
                    }
                }
            }
        }
    }

    /// Anti-aliased coverage of a signed distance (negative inside).
    fn coverage(&self, signed_distance: f32, softness: f32) -> f32 {
        let edge = softness.max(1.0 / self.size as f32);
        0.5 - signed_distance / edge
    }

    fn rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, color: Rgb) {
        let pad = 1.0 / self.size as f32;
        let edge = 1.0 / self.size as f32;
        self.paint_box([x0 - pad, y0 - pad, x1 + pad, y1 + pad], color, |x, y| {
            let d = (x0 - x).max(x - x1).max(y0 - y).max(y - y1);
            0.5 - d / edge
        });
    }

    fn disc(&mut self, cx: f32, cy: f32, r: f32, color: Rgb, softness: f32) {
        let pad = r + softness + 2.0 / self.size as f32;
        let edge = softness.max(1.0 / self.size as f32);
        self.paint_box([cx - pad, cy - pad, cx + pad, cy + pad], color, |x, y| {
            let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt() - r;
            0.5 - d / edge
        });
    }

    fn stroke(&mut self, from: [f32; 2], to: [f32; 2], width: f32, color: Rgb, opacity: f32) {
        let pad = width + 2.0 / self.size as f32;
        let bounds = [
            from[0].min(to[0]) - pad,
            from[1].min(to[1]) - pad,
            from[0].max(to[0]) + pad,
            from[1].max(to[1]) + pad,
        ];
        let (dx, dy) = (to[0] - from[0], to[1] - from[1]);
        let len2 = (dx * dx + dy * dy).max(1e-12);
        let half = width / 2.0;
        let coverage = |d: f32| self.coverage(d, 0.0);
        let mut alphas = Vec::new();
        // Compute coverage first (needs &self), then paint.
        let n = self.size as f32;
        let lo = |v: f32| ((v * n).floor().max(0.0) as usize).min(self.size);
        let hi = |v: f32| ((v * n).ceil().max(0.0) as usize).min(self.size);
        for y in lo(bounds[1])..hi(bounds[3]) {
            for x in lo(bounds[0])..hi(bounds[2]) {
                let (px, py) = (self.coord(x), self.coord(y));
                let t = (((px - from[0]) * dx + (py - from[1]) * dy) / len2).clamp(0.0, 1.0);
                let d = ((px - from[0] - t * dx).powi(2) + (py - from[1] - t * dy).powi(2)).sqrt();
                alphas.push((
                    y * self.size + x,
                    coverage(d - half).clamp(0.0, 1.0) * opacity,
                ));
            }
        }
        for (i, a) in alphas {
            let p = &mut self.pixels[i];
            for c in 0..3 {
                p[c] += (color[c] - p[c]) * a;
            }
        }
    }

    fn into_rgb8(self) -> Vec<u8> {
        self.pixels
            .iter()
            .flat_map(|p| p.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8))
            .collect()
    }
}

fn hsv(h: f32, s: f32, v: f32) -> Rgb {
    let h = h.rem_euclid(1.0) * 6.0;
    let c = v * s;
    let x = c * (1.0 - ((h % 2.0) - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = v - c;
    [r + m, g + m, b + m]
}

fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [0, 1, 2].map(|c| a[c] + (b[c] - a[c]) * t)
}

fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

fn geometric(canvas: &mut Canvas, rng: &mut SplitMix64) {
    let ground = hsv(
        rng.range(0.08, 0.14),
        rng.range(0.05, 0.18),
        rng.range(0.86, 0.96),
    );
    canvas.fill(|_, _| ground);
    let palette: [Rgb; 6] = [
        [0.82, 0.12, 0.10],
        [0.10, 0.22, 0.62],
        [0.96, 0.80, 0.12],
        [0.08, 0.08, 0.08],
        [0.10, 0.55, 0.50],
        [0.92, 0.45, 0.10],
    ];
    for _ in 0..4 + rng.below(6) {
        let color = palette[rng.below(palette.len())];
        let (cx, cy) = (rng.range(0.1, 0.9), rng.range(0.1, 0.9));
        if rng.unit() < 0.6 {
            let (w, h) = (rng.range(0.1, 0.45), rng.range(0.1, 0.45));
            canvas.rect(
                cx - w / 2.0,
                cy - h / 2.0,
                cx + w / 2.0,
                cy + h / 2.0,
                color,
            );
        } else {
            canvas.disc(cx, cy, rng.range(0.06, 0.22), color, 0.0);
        }
    }
    for _ in 0..1 + rng.below(3) {
        let at = rng.range(0.1, 0.9);
        let width = rng.range(0.015, 0.04);
        if rng.unit() < 0.5 {
            canvas.rect(at - width, 0.0, at + width, 1.0, [0.05; 3]);
        } else {
            canvas.rect(0.0, at - width, 1.0, at + width, [0.05; 3]);
        }
    }
}

fn colour_field(canvas: &mut Canvas, rng: &mut SplitMix64) {
    let hue = rng.unit();
    let ground = hsv(
        hue + rng.range(-0.05, 0.05),
        rng.range(0.5, 0.9),
        rng.range(0.25, 0.45),
    );
    let bands = 2 + rng.below(2);
    let mut colors = Vec::new();
    let mut edges = vec![0.08];
    for b in 0..bands {
        colors.push(hsv(
            hue + rng.range(-0.12, 0.12),
            rng.range(0.45, 0.95),
            rng.range(0.45, 0.95),
        ));
        let remaining = 0.92 - edges[b];
        edges.push(edges[b] + remaining / (bands - b) as f32 * rng.range(0.8, 1.2));
    }
    edges[bands] = 0.92;
    let margin = rng.range(0.06, 0.12);
    let wobble = rng.range(0.0, TAU);
    canvas.fill(|x, y| {
        let mut c = ground;
        for b in 0..bands {
            let wave = 0.006 * (x * 9.0 + wobble).sin();
            let inside = smoothstep(edges[b] + 0.02, edges[b] + 0.05, y + wave)
                * (1.0 - smoothstep(edges[b + 1] - 0.05, edges[b + 1] - 0.02, y + wave))
                * smoothstep(margin - 0.02, margin + 0.02, x)
                * (1.0 - smoothstep(1.0 - margin - 0.02, 1.0 - margin + 0.02, x));
            c = mix(c, colors[b], inside);
        }
        c
    });
}

fn landscape(canvas: &mut Canvas, rng: &mut SplitMix64) {
    let skies: [(Rgb, Rgb); 3] = [
        ([0.20, 0.45, 0.85], [0.75, 0.88, 0.97]),
        ([0.35, 0.18, 0.45], [0.98, 0.60, 0.30]),
        ([0.03, 0.05, 0.20], [0.10, 0.35, 0.45]),
    ];
    let (top, bottom) = skies[rng.below(skies.len())];
    let horizon = rng.range(0.5, 0.7);
    canvas.fill(|_, y| mix(top, bottom, (y / horizon).min(1.0)));
    let (sx, sy) = (rng.range(0.15, 0.85), rng.range(0.12, horizon - 0.12));
    let sun = mix([1.0, 0.95, 0.7], [1.0, 0.55, 0.25], rng.unit());
    canvas.disc(sx, sy, rng.range(0.12, 0.2), sun, 0.12);
    canvas.disc(sx, sy, rng.range(0.05, 0.09), sun, 0.0);
    let layers = 2 + rng.below(2);
    let hill_hue = rng.range(0.22, 0.38);
    for layer in 0..layers {
        let base = horizon + 0.06 * layer as f32 - rng.range(0.02, 0.08);
        let (a1, f1, p1) = (
            rng.range(0.02, 0.07),
            rng.range(4.0, 9.0),
            rng.range(0.0, TAU),
        );
        let (a2, f2, p2) = (
            rng.range(0.01, 0.03),
            rng.range(11.0, 20.0),
            rng.range(0.0, TAU),
        );
        let color = hsv(
            hill_hue + rng.range(-0.05, 0.05),
            rng.range(0.35, 0.7),
            0.55 - 0.13 * layer as f32,
        );
        let n = canvas.size;
        for x in 0..n {
            let px = canvas.coord(x);
            let ridge = base + a1 * (f1 * px + p1).sin() + a2 * (f2 * px + p2).sin();
            canvas.paint_box(
                [px - 0.5 / n as f32, ridge - 0.02, px + 0.5 / n as f32, 1.0],
                color,
                |_, y| (y - ridge) * n as f32 + 0.5,
            );
        }
    }
}

fn brush_strokes(canvas: &mut Canvas, rng: &mut SplitMix64) {
    let hue = rng.unit();
    let palette: Vec<Rgb> = (0..3)
        .map(|_| {
            hsv(
                hue + rng.range(-0.15, 0.15),
                rng.range(0.3, 0.85),
                rng.range(0.35, 0.95),
            )
        })
        .collect();
    let base = mix(palette[0], [0.5; 3], 0.3);
    canvas.fill(|_, _| base);
    let flow = rng.range(0.0, PI);
    let curl = rng.range(-2.0, 2.0);
    for _ in 0..140 + rng.below(80) {
        let (x, y) = (rng.unit(), rng.unit());
        let angle = flow + curl * (x - 0.5) + rng.range(-0.35, 0.35);
        let len = rng.range(0.05, 0.14);
        let (dx, dy) = (angle.cos() * len / 2.0, angle.sin() * len / 2.0);
        let color = palette[rng.below(palette.len())];
        let jitter = rng.range(-0.08, 0.08);
        let color = color.map(|c| (c + jitter).clamp(0.0, 1.0));
        canvas.stroke(
            [x - dx, y - dy],
            [x + dx, y + dy],
            rng.range(0.015, 0.035),
            color,
            0.8,
        );
    }
}

fn op_art(canvas: &mut Canvas, rng: &mut SplitMix64) {
    let dark = hsv(rng.unit(), rng.range(0.0, 0.6), rng.range(0.02, 0.2));
    let light = hsv(rng.unit(), rng.range(0.0, 0.35), rng.range(0.85, 1.0));
    let angle = rng.range(0.0, PI);
    let (ca, sa) = (angle.cos(), angle.sin());
    let frequency = rng.range(5.0, 11.0);
    let (amplitude, wave) = (rng.range(0.2, 1.2), rng.range(1.0, 4.0));
    let size = canvas.size as f32;
    canvas.fill(|x, y| {
        let u = x * ca + y * sa;
        let v = -x * sa + y * ca;
        let phase = TAU * (frequency * u + amplitude * (wave * v * TAU).sin() / TAU);
        // Anti-aliased square wave.
        let s = phase.sin() * size / (frequency * TAU);
        mix(dark, light, (s + 0.5).clamp(0.0, 1.0))
    });
}
