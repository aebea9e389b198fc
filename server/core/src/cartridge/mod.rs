//! IMS Common Cartridge: courses in and out of Moodle, Canvas and other
//! LMSes.
//!
//! * [`export`] writes a course as a Common Cartridge 1.3 package: each
//!   lesson a web page, its quizzes a QTI assessment, its media files, the
//!   badge criteria in the course description, and the course itself in
//!   Polku's folder form under `polku/` so that Polku reads it back
//!   exactly (its other exercises and languages included).
//! * [`load`] reads a cartridge (Polku's own, or one that Moodle, Canvas or
//!   another LMS exported) as a course folder and hands it to the ordinary
//!   folder import: see [`read`].
//!
//! A cartridge is untrusted input. Names that lead outside the archive,
//! links, archives that expand beyond the limits of [`archive`], XML with
//! a document type declaration (external entities) and oversized manifests
//! are refused with a message before anything is written.

mod archive;
mod html;
mod manifest;
mod qti;
mod read;
mod write;

use std::path::Path;

pub use write::{ExportReport, export};

use crate::content::{self, CourseSource, Overrides, Problem, Provenance};

/// Where a Polku cartridge keeps its course in folder form.
pub const POLKU_FOLDER: &str = "polku";

/// Why a cartridge was refused.
#[derive(Debug, thiserror::Error)]
pub enum CartridgeError {
    /// Not a zip archive at all.
    #[error("not a zip archive (a Common Cartridge is one): {0}")]
    NotZip(String),
    /// No `imsmanifest.xml` at the top.
    #[error("no imsmanifest.xml at the top of the archive: not a Common Cartridge")]
    NoManifest,
    /// A name leading outside the archive, or a link.
    #[error("refused: the archive names a file outside itself or a link ({0})")]
    Traversal(String),
    /// Too many files.
    #[error("refused: the archive has {0} files, more than a course has")]
    TooManyFiles(usize),
    /// Too much when decompressed.
    #[error("refused: {0} expands to more than a course's files may (a zip bomb?)")]
    TooLarge(String),
    /// A damaged member.
    #[error("{0}: damaged in the archive: {1}")]
    Damaged(String, String),
    /// XML with a document type declaration.
    #[error(
        "refused: {0} declares a document type (DTD); its entities are not read (XML external entities)"
    )]
    Dtd(String),
    /// A file with too many XML nodes or items.
    #[error("refused: {0} is too large (more XML elements or items than a course has)")]
    Huge(String),
    /// Not well-formed XML.
    #[error("{0}: not well-formed XML: {1}")]
    Xml(String, String),
    /// Nothing in it makes a lesson.
    #[error("nothing in the cartridge makes a lesson Polku can show: {0}")]
    Nothing(String),
    /// Writing the course folder failed.
    #[error("cannot write the course: {0}")]
    Internal(String),
}

/// Reads the cartridge `path` as a course, as
/// [`content::load_course_dir_with`] reads a folder: the course (when it
/// has no problem that stops it) and every problem found. A refused
/// cartridge is one problem, and nothing is loaded.
pub fn load(path: &Path, overrides: &Overrides) -> (Option<CourseSource>, Vec<Problem>) {
    let refuse = |message: String| (None, vec![Problem::new(path, None, message)]);
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(err) => return refuse(format!("cannot read the file: {err}")),
    };
    // The zip reader holds the whole central directory in memory.
    if file
        .metadata()
        .is_ok_and(|m| m.len() > archive::MOST_TOTAL_BYTES)
    {
        return refuse(CartridgeError::TooLarge("the archive".into()).to_string());
    }
    let converted = match read::convert(std::io::BufReader::new(file), overrides) {
        Ok(converted) => converted,
        Err(err) => return refuse(err.to_string()),
    };
    let folder = match tempfile::tempdir() {
        Ok(folder) => folder,
        Err(err) => return refuse(format!("cannot make a working folder: {err}")),
    };
    // The folder's name is the course's when nothing else names it.
    let dir = folder.path().join("cartridge");
    if let Err(err) = crate::courses::write_folder(&dir, &converted.files) {
        return refuse(format!("cannot write the working folder: {err}"));
    }
    let own = Overrides {
        slug: if converted.polku {
            overrides.slug.clone()
        } else {
            None
        },
        language: None,
    };
    let (course, problems) = content::load_course_dir_with(&dir, &own);
    let shown = path.display().to_string();
    let problems = problems
        .into_iter()
        .map(|mut problem| {
            let inner = problem
                .path
                .strip_prefix(&dir)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let source = converted.sources.get(&inner).cloned().unwrap_or(inner);
            if !converted.polku {
                // Lines of the Markdown made from a page mean nothing in it.
                problem.line = None;
            }
            problem.path = Path::new(&format!("{shown}: {source}")).to_path_buf();
            problem
        })
        .collect();
    let course = course.map(|mut course| {
        if converted.polku {
            // Declared by its course.toml, as an exported folder is.
            course.origin.place = shown.clone();
        } else {
            course.origin = Provenance {
                declared: false,
                place: format!("cartridge {}", converted.identifier),
            };
            course.language_choice = converted.language;
        }
        course.files = converted.notes;
        course
    });
    (course, problems)
}

/// Whether `path` names a cartridge file (`.imscc`, or a `.zip` with an
/// `imsmanifest.xml` at its top).
pub fn is_cartridge(path: &Path) -> bool {
    let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
        return false;
    };
    if ext.eq_ignore_ascii_case("imscc") {
        return path.is_file();
    }
    ext.eq_ignore_ascii_case("zip")
        && std::fs::File::open(path)
            .ok()
            .and_then(|f| archive::Archive::open(std::io::BufReader::new(f)).ok())
            .is_some_and(|a| a.has("imsmanifest.xml"))
}
