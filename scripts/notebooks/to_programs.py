"""Turns each notebook in notebooks/ into a Rust program in the workspace, so that CI compiles and
runs every cell with the workspace's own target/ (a real evcxr run builds Burn again in its own
folder; scripts/notebooks/run.sh does that).

    python3 scripts/notebooks/to_programs.py            # writes examples/notebook_<name>/main.rs
    cargo run --release --example notebook_01_dcgan_tour
    python3 scripts/notebooks/to_programs.py --clean    # removes them again

The programs are git-ignored (`examples/notebook_*`): the notebooks are the source.

Rules, which the notebooks follow and this script checks:
- `:dep` and other evcxr commands (lines starting with `:`) are evcxr's business and skipped;
- cells run in order in one `main` returning `Result<(), Box<dyn Error>>`, so `?` works as in
  evcxr and variables live across cells;
- a cell that ends in an expression (its last line has no `;`, and is not a brace or comment)
  displays it in evcxr; here that one line is evaluated and its type printed.
"""
import json
import os
import re
import shutil
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
NOTEBOOKS = os.path.join(ROOT, "notebooks")
EXAMPLES = os.path.join(ROOT, "examples")


def program_name(notebook):
    stem = os.path.splitext(os.path.basename(notebook))[0]
    return "notebook_" + re.sub(r"[^A-Za-z0-9_]", "_", stem)


def displayed(line):
    text = line.strip()
    return bool(text) and not text.startswith("//") and text[-1] not in ";{}" and not text.startswith(":")


# A displayed picture that could not be drawn fails the program (a notebook would show the
# reason as text); other values are only evaluated.
PRELUDE = """struct Shown<'a, T>(&'a T);
trait Drawn {
    fn problem(&self) -> Option<String>;
}
impl Drawn for Shown<'_, gan::display::Png> {
    fn problem(&self) -> Option<String> {
        self.0.bytes().is_none().then(|| self.0.display_text())
    }
}
impl Drawn for Shown<'_, gan::display::Gif> {
    fn problem(&self) -> Option<String> {
        self.0.bytes().is_none().then(|| self.0.display_text())
    }
}
trait Evaluated {
    fn problem(&self) -> Option<String> {
        None
    }
}
impl<T> Evaluated for &Shown<'_, T> {}

"""


def convert(notebook):
    cells = json.load(open(notebook))["cells"]
    body = []
    for number, cell in enumerate(cells, 1):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]).rstrip("\n")
        lines = [line for line in source.split("\n") if not line.lstrip().startswith(":")]
        while lines and not lines[-1].strip():
            lines.pop()
        if not lines:
            continue
        body.append(f"    // cell {number}")
        last = lines[-1]
        if displayed(last):
            before = [line for line in lines[:-1] if line.strip() and not line.strip().startswith("//")]
            if before and before[-1].rstrip()[-1] not in ";{}":
                sys.exit(f"{notebook}: cell {number}: the displayed expression must be one line")
            lines[-1] = (f"let shown = {last.strip()};\n"
                         f"println!(\"cell {number} shows {{}}\", std::any::type_name_of_val(&shown));\n"
                         f"if let Some(problem) = (&Shown(&shown)).problem() {{\n"
                         f"    return Err(format!(\"cell {number}: {{problem}}\").into());\n"
                         f"}}")
            lines = lines[:-1] + ["{"] + ["    " + l for l in lines[-1].split("\n")] + ["}"]
        body.extend("    " + line for line in lines)
    return (
        f"//! Generated from {os.path.relpath(notebook, ROOT)} by scripts/notebooks/to_programs.py;\n"
        "//! do not edit (the notebook is the source).\n"
        "#![allow(unused_imports, unused_variables, unused_mut, dead_code, clippy::all)]\n\n"
        + PRELUDE
        + "fn main() -> Result<(), Box<dyn std::error::Error>> {\n"
        + "\n".join(body)
        + "\n    Ok(())\n}\n"
    )


def main():
    notebooks = sorted(os.path.join(NOTEBOOKS, n) for n in os.listdir(NOTEBOOKS) if n.endswith(".ipynb"))
    for notebook in notebooks:
        folder = os.path.join(EXAMPLES, program_name(notebook))
        if "--clean" in sys.argv:
            shutil.rmtree(folder, ignore_errors=True)
            continue
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "main.rs"), "w") as f:
            f.write(convert(notebook))
        print(program_name(notebook))


if __name__ == "__main__":
    main()
