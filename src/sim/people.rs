//! The synthetic organization's people: names, e-mail addresses, tagged ids and habits.

use super::prng::{Draws, base62, hash};

/// Main e-mail domain of the synthetic organization.
pub const MAIN_DOMAIN: &str = "acme-robotics.example";
/// Second domain (an acquired team) used by a few people.
pub const SECOND_DOMAIN: &str = "acme-labs.example";

const FIRST: [&str; 40] = [
    "Ada", "Ben", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kavya",
    "Liam", "Maya", "Nils", "Olu", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Uma", "Victor",
    "Wen", "Ximena", "Yusuf", "Zoe", "Aiden", "Bea", "Carlos", "Dana", "Emeka", "Freya", "Goran",
    "Hana", "Ivan", "Jade", "Kofi", "Lena", "Mateo", "Noor",
];

const LAST: [&str; 40] = [
    "Abara",
    "Berg",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Patel",
    "Quispe",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Almeida",
    "Brandt",
    "Chen",
    "Duarte",
    "Evans",
    "Fontaine",
    "Gupta",
    "Horvat",
    "Iqbal",
    "Jovanovic",
    "Kim",
    "Lindqvist",
    "Mendes",
    "Novak",
];

/// One person holding a seat in the synthetic organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// Position in the organization (0-based); the key for all ground-truth lookups.
    pub index: usize,
    /// Tagged user id, `user_01` followed by 22 base62 characters.
    pub id: String,
    /// Lower-case e-mail address; the `/users` sort key.
    pub email: String,
    /// Display name ("First Last").
    pub name: String,
}

/// How much somebody uses Claude.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// Holds a seat, never active.
    Idle,
    Normal,
    /// 5–10× the activity of a normal user.
    Heavy,
}

/// Stable habits of one member, drawn once from the seed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Habits {
    pub(crate) role: Role,
    /// Probability of being active on a weekday.
    pub(crate) weekday_activity: f64,
    /// Activity multiplier.
    pub(crate) scale: f64,
    pub(crate) codes: bool,
    pub(crate) coworks: bool,
    pub(crate) chat_model: &'static str,
}

const SALT_ID: u64 = 0x1D;
const SALT_ROLE: u64 = 0x20;
const SALT_NAME: u64 = 0x4E;
const SALT_HABIT: u64 = 0x4A;

/// Builds the member list for `users` people.
pub(crate) fn members(seed: u64, users: usize) -> Vec<Member> {
    let first_offset = Draws::keyed(&[seed, SALT_NAME]).below(1, FIRST.len() as u64) as usize;
    let last_offset = Draws::keyed(&[seed, SALT_NAME]).below(2, LAST.len() as u64) as usize;
    let combos = FIRST.len() * LAST.len();
    (0..users)
        .map(|index| {
            // (a, b) ↔ index is a bijection within each round of `combos` people: b - 17a
            // recovers index / 40, so first/last pairs never repeat.
            let a = index % FIRST.len();
            let b = (index / FIRST.len() + 17 * a) % LAST.len();
            let first = FIRST[(a + first_offset) % FIRST.len()];
            let last = LAST[(b + last_offset) % LAST.len()];
            let round = index / combos;
            let suffix = if round == 0 {
                String::new()
            } else {
                (round + 1).to_string()
            };
            let second = Draws::keyed(&[seed, SALT_NAME, index as u64]).f(3) < 0.08;
            let domain = if second { SECOND_DOMAIN } else { MAIN_DOMAIN };
            Member {
                index,
                id: format!("user_01{}", base62(&[seed, SALT_ID, index as u64], 22)),
                email: format!(
                    "{}.{}{suffix}@{domain}",
                    first.to_lowercase(),
                    last.to_lowercase()
                ),
                name: format!("{first} {last}"),
            }
        })
        .collect()
}

/// Draws everybody's habits: ~10% idle seats, ~10% heavy users, the rest normal.
pub(crate) fn habits(seed: u64, users: usize) -> Vec<Habits> {
    let mut order: Vec<usize> = (0..users).collect();
    order.sort_by_key(|&i| hash(&[seed, SALT_ROLE, i as u64]));
    let share = (users + 5) / 10;
    let mut roles = vec![Role::Normal; users];
    for (rank, &i) in order.iter().enumerate() {
        if rank < share {
            roles[i] = Role::Idle;
        } else if rank < 2 * share {
            roles[i] = Role::Heavy;
        }
    }
    roles
        .into_iter()
        .enumerate()
        .map(|(i, role)| {
            let d = Draws::keyed(&[seed, SALT_HABIT, i as u64]);
            let heavy = role == Role::Heavy;
            let model_draw = d.f(5);
            Habits {
                role,
                weekday_activity: if heavy {
                    0.9 + 0.08 * d.f(1)
                } else {
                    0.55 + 0.35 * d.f(1)
                },
                scale: if heavy {
                    5.0 + 5.0 * d.f(2)
                } else {
                    0.6 + 0.8 * d.f(2)
                },
                codes: d.f(3) < if heavy { 0.85 } else { 0.45 },
                coworks: d.f(4) < 0.25,
                chat_model: if model_draw < 0.4 {
                    "claude-opus-4-6"
                } else if model_draw < 0.9 {
                    "claude-sonnet-4-6"
                } else {
                    "claude-haiku-4-5"
                },
            }
        })
        .collect()
}
