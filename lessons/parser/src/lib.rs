//! The lesson parser and validator for the page, as a wasm module with no imports. The page
//! fetches it only when an author opens a lesson file (`app/src/learning/parser.js`), so
//! learners never download the TOML and Markdown parsers.
//!
//! The interface is plain memory: the page asks [`alloc`] for room, copies the file's name and
//! text in as UTF-8, calls [`parse`], and reads the answer — [`lessons::compiled::Parsed`] as
//! JSON — from [`answer_ptr`] for the length `parse` returned. The inputs are freed by `parse`;
//! the answer lives until the next call.

use std::cell::RefCell;

thread_local! {
    static ANSWER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Room for `len` bytes that [`parse`] takes over.
#[unsafe(no_mangle)]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut buffer = Vec::<u8>::with_capacity(len.max(1));
    let pointer = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    pointer
}

/// Parses the lesson file whose name and text were copied to memory from [`alloc`], frees
/// them, and returns the length of the answer at [`answer_ptr`].
///
/// # Safety
/// Each pointer comes from [`alloc`] with at least its length and holds that many bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn parse(
    name: *mut u8,
    name_len: usize,
    text: *mut u8,
    text_len: usize,
) -> usize {
    // SAFETY: the caller's contract: each buffer came from `alloc(len)` (capacity `len.max(1)`)
    // and its first `len` bytes were written.
    let (name, text) = unsafe {
        (
            Vec::from_raw_parts(name, name_len, name_len.max(1)),
            Vec::from_raw_parts(text, text_len, text_len.max(1)),
        )
    };
    let answer = answer(
        &String::from_utf8_lossy(&name),
        &String::from_utf8_lossy(&text),
    );
    ANSWER.with(|slot| {
        let mut slot = slot.borrow_mut();
        *slot = answer.into_bytes();
        slot.len()
    })
}

/// Where the last answer starts.
#[unsafe(no_mangle)]
pub extern "C" fn answer_ptr() -> *const u8 {
    ANSWER.with(|slot| slot.borrow().as_ptr())
}

/// The answer for one file: the lesson, or every problem with it.
pub fn answer(file: &str, text: &str) -> String {
    lessons::compiled::parse_to_json(file, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, text: &str) -> String {
        let copy = |bytes: &[u8]| {
            let pointer = alloc(bytes.len());
            // SAFETY: `alloc` returned room for `bytes.len()` bytes.
            unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), pointer, bytes.len()) };
            pointer
        };
        let (n, t) = (copy(name.as_bytes()), copy(text.as_bytes()));
        // SAFETY: both buffers came from `alloc` with their lengths and were filled.
        let len = unsafe { parse(n, name.len(), t, text.len()) };
        // SAFETY: the answer stays until the next call.
        let bytes = unsafe { std::slice::from_raw_parts(answer_ptr(), len) };
        String::from_utf8(bytes.to_vec()).expect("the answer is UTF-8")
    }

    #[test]
    fn answers_through_memory_what_the_loader_says() {
        let (name, text) = lessons::bundled_sources()[0];
        let parsed = lessons::compiled::read_parsed(&call(name, text)).unwrap();
        let expected =
            lessons::compiled::without_markdown(&lessons::parse_lesson(name, text).unwrap());
        assert_eq!(
            parsed,
            lessons::compiled::Parsed::Lesson(Box::new(expected))
        );

        let broken = "id = \"x\"\ntitle = 3\n";
        let problems: Vec<String> = lessons::parse_lesson("mine.toml", broken)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(problems[0].starts_with("mine.toml:"), "{problems:?}");
        assert_eq!(
            lessons::compiled::read_parsed(&call("mine.toml", broken)).unwrap(),
            lessons::compiled::Parsed::Problems(problems)
        );
        // Empty inputs are valid buffers too.
        assert!(matches!(
            lessons::compiled::read_parsed(&call("", "")).unwrap(),
            lessons::compiled::Parsed::Problems(_)
        ));
    }
}
