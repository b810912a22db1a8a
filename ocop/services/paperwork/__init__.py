"""The documents of every stage: what they say (specs, notices) and the register that numbers and issues them."""
