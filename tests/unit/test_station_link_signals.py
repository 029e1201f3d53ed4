import signal

from station.link import ServerLink


def test_a_link_leaves_ctrl_c_to_the_station_program():
    before = signal.getsignal(signal.SIGINT)
    link = ServerLink("http://127.0.0.1:9", "PICK-01", "token")
    try:
        assert signal.getsignal(signal.SIGINT) is before
    finally:
        link.close()
