import pytest

from services.media.storage import InvalidKey, LocalStorage


def test_saved_files_are_read_back_and_have_public_urls(tmp_path):
    storage = LocalStorage(tmp_path, "/media/")
    storage.save("images/ab/x/large.webp", b"data", "image/webp")
    assert storage.read("images/ab/x/large.webp") == b"data"
    assert storage.url("images/ab/x/large.webp") == "/media/images/ab/x/large.webp"
    assert storage.locate("images/ab/x/large.webp") == str(tmp_path / "images/ab/x/large.webp")


def test_deleting_removes_the_file_and_its_empty_directories(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.save("images/ab/x/large.webp", b"data", "image/webp")
    storage.delete("images/ab/x/large.webp")
    storage.delete("images/ab/x/large.webp")  # absent: ignored
    assert not storage.exists("images/ab/x/large.webp")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("key", ["../etc/passwd", "/etc/passwd", "images/../../x", "a//b", ""])
def test_keys_that_could_escape_the_root_are_refused(tmp_path, key):
    with pytest.raises(InvalidKey):
        LocalStorage(tmp_path).save(key, b"x", "image/png")
