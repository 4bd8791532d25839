from lindungi.common.text import name_key, name_tokens


def test_titles_spacing_and_old_spelling_normalise_to_one_key():
    assert name_key("Hj. Siti Nur Aini") == name_key("siti nuraini")
    assert name_key("Djoko Soesanto") == name_key("Joko Susanto")
    assert name_key("Tjahjo") == name_key("Cahyo")


def test_tokens_drop_titles():
    assert name_tokens("Dra. Hj. Sri Wahyuni, S.Pd") == ["sri", "wahyuni"]
