pub mod analysis;
pub mod bank;
pub mod builder;
pub mod candidate;
pub mod candidates;
pub mod exam;
pub mod home;
pub mod hq;
pub mod invigilator;
pub mod login;
pub mod marking;
pub mod password;
pub mod question_editor;
pub mod regrade;
pub mod reports;
pub mod result;
pub mod review;
pub mod room;
pub mod seats;
pub mod setup;
pub mod staff;
pub mod sync;
pub mod users;

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// An `oninput` handler that writes the field's value into a state handle.
pub fn bind(h: &UseStateHandle<String>) -> Callback<InputEvent> {
    let h = h.clone();
    Callback::from(move |e: InputEvent| {
        h.set(e.target_unchecked_into::<HtmlInputElement>().value())
    })
}
