//! The speech engine and the audio encoder, run as commands.
//!
//! The engine is any command that reads text on standard input and writes
//! WAV on standard output (`{lang}` in it becomes `fi`, `sv` or `en`): by
//! default Debian's `espeak-ng`; Piper and others fit the same shape. The
//! sentences it speaks are joined with short pauses and compressed to Ogg
//! Opus by `opusenc` (Debian's `opus-tools`) at a bitrate made for speech.

use std::io::Cursor;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use crate::Language;

/// The default engine: Debian's espeak-ng, a little slower than its
/// default pace (150 words a minute instead of 175).
pub const DEFAULT_COMMAND: &str = "espeak-ng -v {lang} -s 150 --stdin --stdout";
/// The encoder: Ogg Opus at 16 kbit/s, tuned for speech.
const ENCODER: &[&str] = &["opusenc", "--quiet", "--speech", "--bitrate", "16"];
/// The MIME type of what [`Engine::encode`] makes.
pub const CONTENT_TYPE: &str = "audio/ogg; codecs=opus";
/// How long one command may run.
const TIMEOUT: Duration = Duration::from_secs(120);
/// Where `nice` is: the engine and the encoder run at a lower CPU priority
/// (audio is made in the background; pages come first).
const NICE: &str = "/usr/bin/nice";
/// What `nice` exits with when the command it was to run is not there.
const NICE_NOT_FOUND: i32 = 127;

/// What went wrong making audio.
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    /// The command is not there.
    #[error("the command `{0}` was not found")]
    Missing(String),
    /// It ran and failed, or wrote something that is not audio.
    #[error("`{command}` failed: {detail}")]
    Failed {
        /// The program.
        command: String,
        /// What it said or did.
        detail: String,
    },
}

/// Sound as 16-bit mono samples.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pcm {
    /// Samples a second.
    pub rate: u32,
    /// The samples.
    pub samples: Vec<i16>,
}

impl Pcm {
    /// Its length in milliseconds.
    pub fn duration_ms(&self) -> u32 {
        if self.rate == 0 {
            return 0;
        }
        u32::try_from(self.samples.len() as u64 * 1000 / u64::from(self.rate)).unwrap_or(u32::MAX)
    }

    /// Adds `ms` milliseconds of silence.
    pub fn pause(&mut self, ms: u32) {
        let n = u64::from(self.rate) * u64::from(ms) / 1000;
        self.samples
            .extend(std::iter::repeat_n(0, usize::try_from(n).unwrap_or(0)));
    }

    /// Cuts the silence an engine leaves before and after speech, but
    /// for `keep_ms` (the pauses between sentences are Polku's own).
    pub fn trim(&mut self, keep_ms: u32) {
        /// Quieter than this is silence (of 32 767).
        const SILENCE: i16 = 200;
        let keep = usize::try_from(u64::from(self.rate) * u64::from(keep_ms) / 1000).unwrap_or(0);
        let loud = |s: &i16| s.unsigned_abs() > SILENCE.unsigned_abs();
        let Some(first) = self.samples.iter().position(loud) else {
            self.samples.clear();
            return;
        };
        let last = self.samples.iter().rposition(loud).unwrap_or(first);
        let end = (last + 1 + keep).min(self.samples.len());
        self.samples.truncate(end);
        self.samples.drain(..first.saturating_sub(keep));
    }

    /// Adds `other` (of the same rate).
    pub fn append(&mut self, other: Pcm) -> Result<(), String> {
        if self.samples.is_empty() && self.rate == 0 {
            self.rate = other.rate;
        }
        if other.rate != self.rate {
            return Err(format!(
                "the engine changed its sample rate ({} Hz, then {} Hz)",
                self.rate, other.rate
            ));
        }
        self.samples.extend(other.samples);
        Ok(())
    }
}

/// A speech engine and the encoder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engine {
    /// The engine's program and arguments (`{lang}` not yet replaced).
    command: Vec<String>,
}

impl Engine {
    /// The engine `command` names (split as a shell would, without running
    /// one); `off` or an empty command: no read aloud.
    pub fn new(command: &str) -> Result<Option<Engine>, String> {
        let trimmed = command.trim();
        if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let words = shell_words::split(trimmed)
            .map_err(|err| format!("the speech command cannot be read: {err}"))?;
        Ok((!words.is_empty()).then_some(Engine { command: words }))
    }

    /// What makes this engine's audio what it is (for the script hash).
    pub fn identity(&self) -> String {
        format!("{} | {}", self.command.join(" "), ENCODER.join(" "))
    }

    /// The program the engine runs.
    pub fn program(&self) -> &str {
        self.command.first().map_or("", String::as_str)
    }

    /// Speaks `text` in `language`.
    pub async fn speak(&self, language: Language, text: &str) -> Result<Pcm, SpeechError> {
        let args: Vec<String> = self
            .command
            .iter()
            .map(|a| a.replace("{lang}", language.code()))
            .collect();
        let wav = run(&args, text.as_bytes()).await?;
        read_wav(&wav).map_err(|detail| SpeechError::Failed {
            command: self.program().to_owned(),
            detail,
        })
    }

    /// Compresses `pcm` to Ogg Opus.
    pub async fn encode(&self, pcm: &Pcm) -> Result<Vec<u8>, SpeechError> {
        let mut args: Vec<String> = ENCODER.iter().map(|a| (*a).to_owned()).collect();
        args.extend(
            [
                "--raw",
                "--raw-bits",
                "16",
                "--raw-chan",
                "1",
                "--raw-endianness",
                "0",
                "--raw-rate",
            ]
            .map(str::to_owned),
        );
        args.push(pcm.rate.to_string());
        args.extend(["-".to_owned(), "-".to_owned()]);
        let raw: Vec<u8> = pcm.samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        let out = run(&args, &raw).await?;
        if out.starts_with(b"OggS") {
            Ok(out)
        } else {
            Err(SpeechError::Failed {
                command: ENCODER[0].to_owned(),
                detail: "it wrote no Ogg stream".to_owned(),
            })
        }
    }
}

/// Runs `args` with `input` on standard input; its standard output.
async fn run(args: &[String], input: &[u8]) -> Result<Vec<u8>, SpeechError> {
    let program = args.first().cloned().unwrap_or_default();
    let failed = |detail: String| SpeechError::Failed {
        command: program.clone(),
        detail,
    };
    let niced = std::path::Path::new(NICE).exists();
    let mut command = if niced {
        let mut niced = Command::new(NICE);
        niced.args(["-n", "10"]).arg(&program);
        niced
    } else {
        Command::new(&program)
    };
    let mut child = command
        .args(&args[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
                SpeechError::Missing(program.clone())
            }
            _ => failed(err.to_string()),
        })?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| failed("no standard input".to_owned()))?;
    let input = input.to_vec();
    // Written while the output is read, so a large input never blocks.
    let writer = tokio::spawn(async move {
        let _ = stdin.write_all(&input).await;
        let _ = stdin.shutdown().await;
    });
    let output = tokio::time::timeout(TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| failed(format!("no answer in {} s", TIMEOUT.as_secs())))?
        .map_err(|err| failed(err.to_string()))?;
    let _ = writer.await;
    if niced && output.status.code() == Some(NICE_NOT_FOUND) {
        return Err(SpeechError::Missing(program));
    }
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let said = said.trim();
        let said: String = said.chars().take(300).collect();
        return Err(failed(format!(
            "{}{}",
            output.status,
            if said.is_empty() {
                String::new()
            } else {
                format!(": {said}")
            }
        )));
    }
    Ok(output.stdout)
}

/// Reads a WAV file as mono 16-bit samples (stereo is mixed down). A
/// streamed WAV, whose header cannot know its length, is read to its end.
fn read_wav(bytes: &[u8]) -> Result<Pcm, String> {
    let reader = hound::WavReader::new(Cursor::new(bytes))
        .map_err(|err| format!("it wrote no WAV audio ({err})"))?;
    let spec = reader.spec();
    if spec.sample_format != hound::SampleFormat::Int || spec.bits_per_sample != 16 {
        return Err(format!(
            "it wrote {}-bit {:?} audio; 16-bit integer samples are read",
            spec.bits_per_sample, spec.sample_format
        ));
    }
    let channels = usize::from(spec.channels.max(1));
    // A streamed header claims more samples than there are: read to the end.
    let interleaved: Vec<i16> = reader.into_samples::<i16>().map_while(Result::ok).collect();
    let samples = interleaved
        .chunks(channels)
        .map(|frame| {
            let sum: i32 = frame.iter().map(|s| i32::from(*s)).sum();
            i16::try_from(sum / i32::try_from(frame.len()).unwrap_or(1)).unwrap_or(0)
        })
        .collect();
    Ok(Pcm {
        rate: spec.sample_rate,
        samples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_split_as_a_shell_would_and_off_turns_it_off() {
        assert_eq!(Engine::new("off"), Ok(None));
        assert_eq!(Engine::new("  "), Ok(None));
        let engine = Engine::new("piper --model '/srv/voices/{lang} voice.onnx' --output_file -")
            .unwrap()
            .unwrap();
        assert_eq!(engine.program(), "piper");
        assert!(engine.identity().contains("/srv/voices/{lang} voice.onnx"));
        assert!(Engine::new("espeak-ng 'unclosed").is_err());
    }

    #[test]
    fn silence_around_speech_is_cut_to_what_is_kept() {
        let mut pcm = Pcm {
            rate: 1000,
            samples: [vec![0; 500], vec![3000; 100], vec![5; 400]].concat(),
        };
        pcm.trim(50);
        assert_eq!(pcm.samples.len(), 200);
        assert_eq!(pcm.samples[50], 3000);
        let mut quiet = Pcm {
            rate: 1000,
            samples: vec![10; 100],
        };
        quiet.trim(50);
        assert!(quiet.samples.is_empty());
    }

    #[test]
    fn pauses_and_durations_follow_the_rate() {
        let mut pcm = Pcm {
            rate: 22_050,
            samples: vec![1; 22_050],
        };
        pcm.pause(500);
        assert_eq!(pcm.duration_ms(), 1500);
        assert!(
            pcm.append(Pcm {
                rate: 16_000,
                samples: vec![1]
            })
            .is_err()
        );
    }

    #[test]
    fn a_wav_without_its_length_is_read_to_the_end_and_stereo_is_mixed() {
        let mut bytes = Vec::new();
        {
            let spec = hound::WavSpec {
                channels: 2,
                sample_rate: 8000,
                bits_per_sample: 16,
                sample_format: hound::SampleFormat::Int,
            };
            let mut writer = hound::WavWriter::new(Cursor::new(&mut bytes), spec).unwrap();
            for s in [100i16, 300, -50, -150] {
                writer.write_sample(s).unwrap();
            }
            writer.finalize().unwrap();
        }
        // What a streaming engine writes: the sizes say "very long".
        bytes[4..8].copy_from_slice(&0x7fff_f000u32.to_le_bytes());
        bytes[40..44].copy_from_slice(&0x7fff_f000u32.to_le_bytes());
        let pcm = read_wav(&bytes).unwrap();
        assert_eq!(pcm.rate, 8000);
        assert_eq!(pcm.samples, vec![200, -100]);
        assert!(read_wav(b"not audio").is_err());
    }
}
