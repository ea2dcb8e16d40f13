"""What each measure shows on its area page (its details): breakdowns, distributions and case lists."""
