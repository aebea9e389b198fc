//! Where a course comes from, and what became of each file of its folder.
//!
//! * **Provenance.** A course folder inside a Git working copy is named by the
//!   repository's `origin` remote and the folder's path in it (so a clone
//!   elsewhere is the same course); any other folder by its absolute path.
//!   Two plain folders that both make the slug `data` are then two
//!   different courses, and the second is refused instead of overwriting
//!   the first. A `course.toml` declares its course by its slug: the same
//!   slug from another place is the same course (a release unpacked in a
//!   new folder updates its courses).
//! * **Files.** After loading, the folder is walked once more and every
//!   file is accounted for: a lesson (which), a media file, a settings file,
//!   or left out with the reason. Nothing is skipped silently.

use std::fmt;
use std::path::{Path, PathBuf};

use super::files::{Kind, is_hidden};
use super::plain::{MAX_DEPTH, looks_like_language};
use super::source::media_type;
use super::{CourseSource, Problem};

/// Where a course was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// `true` for a folder with `course.toml`.
    pub declared: bool,
    /// The repository and path (`<remote>#<path>`), or the absolute folder.
    pub place: String,
}

const DECLARED: &str = "course.toml:";
const PLAIN: &str = "folder:";

impl Provenance {
    /// The origin of the course folder `dir`.
    pub(super) fn of(dir: &Path, declared: bool) -> Provenance {
        let absolute = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let place = repository_of(&absolute)
            .and_then(|(top, remote)| {
                let inside = absolute.strip_prefix(&top).ok()?;
                Some(format!(
                    "{remote}#{}",
                    inside.to_string_lossy().replace('\\', "/")
                ))
            })
            .unwrap_or_else(|| absolute.to_string_lossy().into_owned());
        Provenance { declared, place }
    }

    /// As stored in `courses.source`.
    pub fn to_text(&self) -> String {
        let kind = if self.declared { DECLARED } else { PLAIN };
        format!("{kind}{}", self.place)
    }

    /// From `courses.source`.
    pub fn from_text(text: &str) -> Provenance {
        match text.strip_prefix(DECLARED) {
            Some(place) => Provenance {
                declared: true,
                place: place.to_owned(),
            },
            None => Provenance {
                declared: false,
                place: text.strip_prefix(PLAIN).unwrap_or(text).to_owned(),
            },
        }
    }

    /// Whether a course from `self` may update one imported from `before`:
    /// the same place, or both declared by `course.toml`.
    pub fn same_course(&self, before: &Provenance) -> bool {
        self == before || (self.declared && before.declared)
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.place)
    }
}

/// The top of the Git working copy holding `dir` and its `origin` remote,
/// read from `.git/config` (a `.git` file, as in a worktree or submodule,
/// is followed to its `gitdir:`).
fn repository_of(dir: &Path) -> Option<(PathBuf, String)> {
    let top = dir.ancestors().find(|a| a.join(".git").exists())?;
    let dot_git = top.join(".git");
    let git_dir = if dot_git.is_file() {
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let target = text.trim().strip_prefix("gitdir:")?.trim();
        top.join(target)
    } else {
        dot_git
    };
    let config = std::fs::read_to_string(git_dir.join("config"))
        .or_else(|_| {
            // A worktree's config is the main repository's.
            let common = std::fs::read_to_string(git_dir.join("commondir"))?;
            std::fs::read_to_string(git_dir.join(common.trim()).join("config"))
        })
        .ok()?;
    let remote = remote_url(&config)?;
    Some((top.to_path_buf(), remote))
}

/// The `url` of `[remote "origin"]` in a Git config file.
fn remote_url(config: &str) -> Option<String> {
    let mut in_origin = false;
    for line in config.lines().map(str::trim) {
        if line.starts_with('[') {
            in_origin = line.replace(' ', "") == "[remote\"origin\"]";
        } else if in_origin
            && let Some((key, value)) = line.split_once('=')
            && key.trim() == "url"
        {
            return Some(value.trim().trim_end_matches('/').to_owned()).filter(|u| !u.is_empty());
        }
    }
    None
}

/// What became of a file of a course folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// A lesson (its slug).
    Lesson(String),
    /// A media file.
    Media,
    /// `course.toml` or `module.toml`.
    Settings,
    /// Not imported, and why.
    LeftOut(String),
}

/// One file (or a hidden or too deep folder) of a course folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileNote {
    /// The path, as in problems (relative to the folder's parent).
    pub path: String,
    /// Taken as what, or left out and why.
    pub taken: Taken,
}

/// Accounts for every file under the course folder `dir` (whose parent is
/// `root`), given what was loaded from it and the problems found.
pub(super) fn account(
    root: &Path,
    dir: &Path,
    course: &CourseSource,
    declared: bool,
    problems: &[Problem],
) -> Vec<FileNote> {
    let mut notes = Vec::new();
    walk(root, dir, dir, 0, course, declared, problems, &mut notes);
    notes
}

#[expect(clippy::too_many_arguments, reason = "one recursive walk's context")]
fn walk(
    root: &Path,
    course_dir: &Path,
    folder: &Path,
    depth: usize,
    course: &CourseSource,
    declared: bool,
    problems: &[Problem],
    notes: &mut Vec<FileNote>,
) {
    let Ok(read) = std::fs::read_dir(folder) else {
        return;
    };
    let mut found: Vec<(PathBuf, Option<Kind>)> = read
        .filter_map(Result::ok)
        .map(|e| (e.path(), Kind::of(&e.path())))
        .collect();
    found.sort_by(|(a, _), (b, _)| {
        natord::compare_ignore_case(&a.to_string_lossy(), &b.to_string_lossy())
    });
    for (path, kind) in found {
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut note = |taken: Taken| {
            notes.push(FileNote {
                path: shown.clone(),
                taken,
            });
        };
        if is_hidden(&path) {
            note(Taken::LeftOut(
                "hidden (its name starts with . or _)".into(),
            ));
            continue;
        }
        match kind {
            Some(Kind::Dir) if depth + 1 > MAX_DEPTH => note(Taken::LeftOut(format!(
                "a folder deeper than {MAX_DEPTH} levels"
            ))),
            Some(Kind::Dir) => walk(
                root,
                course_dir,
                &path,
                depth + 1,
                course,
                declared,
                problems,
                notes,
            ),
            Some(Kind::File) => note(file_fate(
                course_dir, &path, &shown, &name, course, declared, problems,
            )),
            Some(Kind::Link) => note(Taken::LeftOut("a symbolic link (not followed)".into())),
            _ => note(Taken::LeftOut("not a regular file".into())),
        }
    }
}

fn file_fate(
    course_dir: &Path,
    path: &Path,
    shown: &str,
    name: &str,
    course: &CourseSource,
    declared: bool,
    problems: &[Problem],
) -> Taken {
    if let Some(lesson) = course
        .lessons
        .iter()
        .find(|l| l.variants.iter().any(|v| v.source_path == shown))
    {
        return Taken::Lesson(lesson.slug.clone());
    }
    let in_course = path
        .strip_prefix(course_dir)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    if course.media.iter().any(|m| m.path == in_course) {
        return Taken::Media;
    }
    if declared && (name == "course.toml" || name == "module.toml") {
        return Taken::Settings;
    }
    let has_problem = problems.iter().any(|p| p.path == path);
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let reason = if has_problem {
        "it has a problem (see the messages above)"
    } else if extension == "md" && declared && name.eq_ignore_ascii_case("readme.md") {
        "a README.md is not a lesson in a course with course.toml"
    } else if extension == "md" && declared {
        "not a lesson of this course: lessons are named NN-name.md, at the top or in a numbered module folder (NN-name)"
    } else if extension == "md"
        && path
            .strip_prefix(course_dir)
            .ok()
            .and_then(Path::parent)
            .is_some_and(|folders| {
                folders.components().any(|c| {
                    let name = c.as_os_str().to_string_lossy();
                    looks_like_language(&name) && name.parse::<crate::Language>().is_err()
                })
            })
    {
        "in the folder of a language Polku does not offer (fi, sv and en are)"
    } else if extension == "md" {
        "not read as a lesson"
    } else if media_type(name).is_some() && !declared {
        "no lesson shows it (a folder without course.toml takes only the media its lessons use)"
    } else if media_type(name).is_some() {
        "a media file deeper than the course reads media"
    } else {
        "not a lesson (.md) or a media file (.png, .jpg, .gif, .webp, .svg, .vtt, .mp4, .webm)"
    };
    Taken::LeftOut(reason.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_remote_is_read_from_a_git_config() {
        let config = "[core]\n\turl = no\n[remote \"upstream\"]\n\turl = https://example.org/a.git\n[remote \"origin\"]\n\turl = https://github.com/rage/python-programming-mooc-2024.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n";
        assert_eq!(
            remote_url(config).as_deref(),
            Some("https://github.com/rage/python-programming-mooc-2024.git")
        );
        assert_eq!(remote_url("[core]\nbare = false\n"), None);
    }

    #[test]
    fn origins_round_trip_and_declared_courses_move_freely() {
        let plain = Provenance {
            declared: false,
            place: "/srv/a/data".into(),
        };
        assert_eq!(Provenance::from_text(&plain.to_text()), plain);
        let other = Provenance {
            declared: false,
            place: "/srv/b/data".into(),
        };
        assert!(!other.same_course(&plain));
        let moved = Provenance {
            declared: true,
            place: "/new/content/x".into(),
        };
        let before = Provenance {
            declared: true,
            place: "/old/content/x".into(),
        };
        assert!(moved.same_course(&before));
        assert!(!moved.same_course(&plain) && !plain.same_course(&moved));
    }
}
