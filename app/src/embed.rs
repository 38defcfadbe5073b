//! Embedding: `?embed` gives a compact page for an `<iframe>`, and a `postMessage` API lets the
//! host page drive it (play, pause, reset, seek, speed, faults and toggles, lesson steps) and
//! hear back (ready, time, goal status, step completed). Every incoming message is checked
//! against the schema; anything unknown or malformed is answered with an `error` event, and
//! with `origins=…` only the listed host origins are heard at all.

use engine::{ControlAction, SimTime};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::playground::Playground;
use crate::route::Route;

/// Protocol version, sent with `ready`.
pub const PROTOCOL: u32 = 1;
const MAX_MESSAGE_CHARS: usize = 16 * 1024;

/// How the page was opened: from its query string, `?embed&origins=https://a.example,…`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EmbedOptions {
    pub embedded: bool,
    pub allowed_origins: Vec<String>,
    /// Panels to show in embed mode (`panels=text,topology,charts,controls`); empty: all.
    pub panels: Vec<String>,
}

impl EmbedOptions {
    pub fn from_search(search: &str) -> EmbedOptions {
        let mut options = EmbedOptions::default();
        for pair in search
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let list = || {
                value
                    .split(',')
                    .map(decode)
                    .filter(|v| !v.is_empty())
                    .collect::<Vec<_>>()
            };
            match key {
                "embed" => options.embedded = true,
                "origins" => options.allowed_origins = list(),
                "panels" => options.panels = list(),
                _ => {}
            }
        }
        options
    }

    pub fn shows(&self, panel: &str) -> bool {
        !self.embedded || self.panels.is_empty() || self.panels.iter().any(|p| p == panel)
    }

    fn hears(&self, origin: &str) -> bool {
        self.allowed_origins.is_empty() || self.allowed_origins.iter().any(|o| o == origin)
    }
}

fn decode(text: &str) -> String {
    web_sys::js_sys::decode_uri_component(text)
        .map(String::from)
        .unwrap_or_else(|_| text.to_string())
}

/// Messages a host page may send.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(try_from = "CommandFields")]
pub enum Command {
    Play,
    Pause,
    Reset,
    /// Move to this simulated time (replaying, as the scrubber does).
    Seek {
        seconds: f64,
    },
    Speed {
        value: f64,
    },
    /// A fault or toggle, in the engine's `ControlAction` form.
    Apply {
        action: ControlAction,
    },
    Goto {
        lesson: String,
        step: usize,
    },
}

/// How a [`Command`] is read: `{"type": "seek", "seconds": 3}`, the type and every command's
/// fields in one pass (see `engine::tagged`), so a field a command does not take is refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommandFields {
    r#type: CommandKind,
    seconds: Option<f64>,
    value: Option<f64>,
    action: Option<ControlAction>,
    lesson: Option<String>,
    step: Option<usize>,
}

#[derive(Clone, Copy)]
enum CommandKind {
    Play,
    Pause,
    Reset,
    Seek,
    Speed,
    Apply,
    Goto,
}

engine::deserialize_by_name!(CommandKind { Play => "play", Pause => "pause", Reset => "reset", Seek => "seek", Speed => "speed", Apply => "apply", Goto => "goto" });

impl TryFrom<CommandFields> for Command {
    type Error = serde::de::value::Error;

    fn try_from(f: CommandFields) -> Result<Command, Self::Error> {
        use engine::tagged::{need, only};
        let present = [
            ("seconds", f.seconds.is_some()),
            ("value", f.value.is_some()),
            ("action", f.action.is_some()),
            ("lesson", f.lesson.is_some()),
            ("step", f.step.is_some()),
        ];
        let fields: &'static [&'static str] = match f.r#type {
            CommandKind::Play | CommandKind::Pause | CommandKind::Reset => &[],
            CommandKind::Seek => &["seconds"],
            CommandKind::Speed => &["value"],
            CommandKind::Apply => &["action"],
            CommandKind::Goto => &["lesson", "step"],
        };
        only(&present, fields)?;
        Ok(match f.r#type {
            CommandKind::Play => Command::Play,
            CommandKind::Pause => Command::Pause,
            CommandKind::Reset => Command::Reset,
            CommandKind::Seek => Command::Seek {
                seconds: need(f.seconds, "seconds")?,
            },
            CommandKind::Speed => Command::Speed {
                value: need(f.value, "value")?,
            },
            CommandKind::Apply => Command::Apply {
                action: need(f.action, "action")?,
            },
            CommandKind::Goto => Command::Goto {
                lesson: need(f.lesson, "lesson")?,
                step: need(f.step, "step")?,
            },
        })
    }
}

/// Messages the page sends to its host.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Event {
    Ready {
        protocol: u32,
        route: String,
    },
    Time {
        seconds: f64,
        playing: bool,
    },
    Goal {
        lesson: String,
        step: usize,
        met: bool,
        missing: Vec<String>,
    },
    StepCompleted {
        lesson: String,
        step: usize,
    },
    Error {
        message: String,
    },
}

/// Parses a host's message: a JSON string or an object.
pub fn parse_command(data: &str) -> Result<Command, String> {
    if data.len() > MAX_MESSAGE_CHARS {
        return Err(format!(
            "message of {} characters is too long (at most {MAX_MESSAGE_CHARS})",
            data.len()
        ));
    }
    let command: Command = serde_json::from_str(data).map_err(|e| format!("not a command: {e}"))?;
    match &command {
        Command::Seek { seconds } if !seconds.is_finite() || *seconds < 0.0 => {
            Err(format!("seek: seconds must be a number ≥ 0, got {seconds}"))
        }
        Command::Speed { value } if !value.is_finite() || !(0.1..=100.0).contains(value) => {
            Err(format!("speed: value must be from 0.1 to 100, got {value}"))
        }
        Command::Goto { step, .. } if *step == 0 => Err("goto: steps count from 1".into()),
        _ => Ok(command),
    }
}

/// The link between the page and its host, shared through context.
#[derive(Clone, Copy)]
pub struct Bridge {
    options: StoredValue<EmbedOptions>,
    /// The playground on screen, which commands drive.
    pub active: RwSignal<Option<Playground>, LocalStorage>,
    /// Commands that arrived while the page's playground was still being set up (a lesson is
    /// fetched first): they run, in order, as soon as it is on screen.
    waiting: StoredValue<Vec<Command>>,
}

/// At most this many commands wait for a playground; more are refused.
const MAX_WAITING: usize = 64;

impl Bridge {
    pub fn new(options: EmbedOptions) -> Bridge {
        let bridge = Bridge {
            options: StoredValue::new(options),
            active: RwSignal::new_local(None),
            waiting: StoredValue::new(Vec::new()),
        };
        if bridge.is_embedded() {
            let listener =
                window_event_listener(leptos::ev::message, move |event| bridge.receive(&event));
            on_cleanup(move || listener.remove());
            // Commands that came before the playground, once it is there.
            Effect::new(move |_| {
                if bridge.active.with(Option::is_some) {
                    for command in bridge
                        .waiting
                        .try_update_value(std::mem::take)
                        .unwrap_or_default()
                    {
                        if let Err(message) = bridge.run(command) {
                            bridge.emit(&Event::Error { message });
                        }
                    }
                }
            });
            // Time, a few times a second while something plays.
            Effect::new(move |_| {
                if let Some(playground) = bridge.active.get() {
                    playground.ticker.track();
                    let (seconds, playing) = (
                        playground.view.with_untracked(|v| v.now.as_secs_f64()),
                        playground.playing.get_untracked(),
                    );
                    bridge.emit(&Event::Time { seconds, playing });
                }
            });
        }
        bridge
    }

    pub fn options(&self) -> EmbedOptions {
        self.options.get_value()
    }

    pub fn is_embedded(&self) -> bool {
        self.options.with_value(|o| o.embedded)
    }

    /// Sends `event` to the host page (to each allowed origin, or to any when none is listed).
    pub fn emit(&self, event: &Event) {
        if !self.is_embedded() {
            return;
        }
        let Some(parent) = host() else { return };
        let Ok(message) = serde_json::to_string(event) else {
            return;
        };
        let message =
            web_sys::js_sys::JSON::parse(&message).unwrap_or_else(|_| message.as_str().into());
        let origins = self.options.with_value(|o| o.allowed_origins.clone());
        if origins.is_empty() {
            let _ = parent.post_message(&message, "*");
        }
        for origin in origins {
            let _ = parent.post_message(&message, &origin);
        }
    }

    fn receive(&self, event: &web_sys::MessageEvent) {
        // Only the framing page gives commands; never react to our own messages.
        let from_host = match (event.source(), host()) {
            (Some(source), Some(host)) => {
                web_sys::js_sys::Object::is(source.as_ref(), host.as_ref())
            }
            _ => false,
        };
        if !from_host {
            return;
        }
        let origin = event.origin();
        if !self.options.with_value(|o| o.hears(&origin)) {
            web_sys::console::warn_1(&format!("Sync or Stream ignored a message from {origin}, which is not among the allowed origins").into());
            return;
        }
        let data = event.data();
        let text = data
            .as_string()
            .or_else(|| {
                web_sys::js_sys::JSON::stringify(&data)
                    .ok()
                    .map(String::from)
            })
            .unwrap_or_default();
        match parse_command(&text) {
            Ok(command) => {
                if let Err(message) = self.run(command) {
                    self.emit(&Event::Error { message });
                }
            }
            Err(message) => self.emit(&Event::Error { message }),
        }
    }

    fn run(&self, command: Command) -> Result<(), String> {
        if let Command::Goto { lesson, step } = &command {
            let _ = window().location().set_hash(
                &Route::Lesson {
                    id: lesson.clone(),
                    step: *step,
                }
                .href(),
            );
            return Ok(());
        }
        let Some(playground) = self.active.get_untracked() else {
            // A lesson or the sandbox is on its way (a lesson is fetched before it shows).
            let route = Route::from_hash(&window().location().hash().unwrap_or_default());
            if !matches!(route, Route::Lesson { .. } | Route::Sandbox) {
                return Err("nothing to drive on this page".into());
            }
            let queued = self.waiting.try_update_value(|waiting| {
                (waiting.len() < MAX_WAITING)
                    .then(|| waiting.push(command))
                    .is_some()
            });
            return if queued == Some(true) {
                Ok(())
            } else {
                Err(format!(
                    "at most {MAX_WAITING} commands can wait for the lesson to load"
                ))
            };
        };
        match command {
            // A presenter driving the page decides when it runs, prediction or not.
            Command::Play => {
                playground.locked.set(None);
                playground.play();
            }
            Command::Pause => playground.pause(),
            Command::Reset => playground.reset(),
            Command::Seek { seconds } => playground.seek(SimTime::from_secs_f64(seconds)),
            Command::Speed { value } => playground.speed.set(value),
            Command::Apply { action } => playground.try_apply(action)?,
            Command::Goto { .. } => {}
        }
        Ok(())
    }
}

/// The `<iframe>` snippet for the page as it stands.
pub fn embed_code(link: &str) -> String {
    let (before_hash, hash) = link.split_once('#').unwrap_or((link, ""));
    let separator = if before_hash.contains('?') { "&" } else { "?" };
    let src = format!("{before_hash}{separator}embed#{hash}");
    format!(
        "<iframe src=\"{}\" title=\"Sync or Stream\" width=\"960\" height=\"540\" style=\"border:0;max-width:100%\" loading=\"lazy\"></iframe>",
        src.replace('"', "&quot;")
    )
}

/// The page that frames this one, if any (a top-level page is its own parent).
fn host() -> Option<web_sys::Window> {
    let parent = window().parent().ok().flatten()?;
    let same = web_sys::js_sys::Object::is(parent.as_ref(), window().as_ref());
    (!same).then_some(parent)
}
