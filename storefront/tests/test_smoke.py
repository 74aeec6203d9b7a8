import pytest


@pytest.mark.django_db
def test_home_placeholder_lists_both_markets(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Kyrgyzstan" in response.text
    assert "United States" in response.text
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
