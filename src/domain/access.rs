//! Who may do what: admin, Product Owner, member.
//!
//! Decided by the bot from the member's permissions and roles carried by each interaction, not
//! only by Discord's `default_member_permissions`, which server owners can override.

use super::Invalid;

/// Discord permission bits that make a member an admin of Sprintmate.
const ADMINISTRATOR: u64 = 1 << 3;
const MANAGE_GUILD: u64 = 1 << 5;

/// A member's standing in a team, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    Member,
    ProductOwner,
    Admin,
}

impl Access {
    /// Admin with Manage Server (or Administrator); PO with the team's PO role; else member.
    pub fn of(permission_bits: u64, role_ids: &[u64], po_role: Option<u64>) -> Self {
        if permission_bits & (ADMINISTRATOR | MANAGE_GUILD) != 0 {
            Access::Admin
        } else if po_role.is_some_and(|role| role_ids.contains(&role)) {
            Access::ProductOwner
        } else {
            Access::Member
        }
    }

    /// Refuses unless the caller has at least `needed`; `action` says what was attempted.
    pub fn require(self, needed: Access, action: &str) -> Result<(), Invalid> {
        if self >= needed {
            return Ok(());
        }
        Err(Invalid::new(match needed {
            Access::Admin => format!(
                "Only admins (members with the Manage Server permission) can {action}."
            ),
            Access::ProductOwner => format!(
                "Only the Product Owner can {action}. An admin can set the PO role with /team settings po_role."
            ),
            Access::Member => format!("You cannot {action}."),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manage_server_or_administrator_makes_an_admin() {
        assert_eq!(Access::of(MANAGE_GUILD, &[], None), Access::Admin);
        assert_eq!(Access::of(ADMINISTRATOR, &[], None), Access::Admin);
    }

    #[test]
    fn the_team_po_role_makes_a_product_owner() {
        assert_eq!(Access::of(0, &[7, 9], Some(9)), Access::ProductOwner);
        assert_eq!(Access::of(0, &[7], Some(9)), Access::Member);
        assert_eq!(Access::of(0, &[7], None), Access::Member);
    }

    #[test]
    fn an_admin_passes_every_product_owner_check() {
        assert!(Access::Admin.require(Access::ProductOwner, "rank").is_ok());
        assert!(Access::Member
            .require(Access::ProductOwner, "rank")
            .is_err());
        assert!(Access::ProductOwner
            .require(Access::Admin, "configure")
            .is_err());
    }
}
