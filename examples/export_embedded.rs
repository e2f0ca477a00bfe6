//! Writes the embedded procedural paintings as PNG files, one folder per style: to look at
//! them, to train another program on exactly the same images (PyTorch's `ImageFolder` reads
//! the folder), or as the reference folder of `gan fid`.
//!
//! ```sh
//! cargo run --release --example export_embedded -- embedded-64 64
//! ```

use gan::data::ProceduralPaintingsConfig;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "embedded-64".into());
    let size = args.next().map(|s| s.parse()).transpose()?.unwrap_or(64);
    let written = ProceduralPaintingsConfig::new()
        .init(size)?
        .export(std::path::Path::new(&out))?;
    println!("wrote {written} paintings of {size}x{size} into {out}/<style>/");
    Ok(())
}
