//! Embeds the built dashboard (`web/dist/`, made by `scripts/build-web`) into the binary as a
//! list of `(path, bytes)`; without a built dashboard the list is empty and `serve` says so.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dist = manifest.join("../web/dist");
    let mut files = Vec::new();
    if dist.is_dir() {
        println!("cargo:rerun-if-changed={}", dist.display());
        collect(&dist, &dist, &mut files);
    } else {
        println!("cargo:rerun-if-changed={}", manifest.join("../web").display());
    }
    files.sort();
    let mut code = String::from(
        "/// The dashboard's files: `(path below web/dist, bytes)`.\npub const FILES: &[(&str, &[u8])] = &[\n",
    );
    for (key, path) in &files {
        writeln!(code, "    ({key:?}, include_bytes!({:?})),", path.display().to_string()).expect("write to string");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("dashboard.rs"), code).expect("write dashboard.rs");
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(relative) = path.strip_prefix(root) {
            let key = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            let absolute = path.canonicalize().unwrap_or(path);
            files.push((key, absolute));
        }
    }
}
