from django.core.management.base import BaseCommand

from yunwei.core.demo import DEMO_PASSWORD, USERS


class Command(BaseCommand):
    help = "Load the demo province (idempotent: running it again changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="do nothing if the demo province is already loaded"
        )
        parser.add_argument("--logins", action="store_true", help="only print the demo logins")

    def handle(self, *args, once=False, logins=False, **options):
        if logins:
            self.print_logins()
            return
        from yunwei.core.demo import is_loaded, load_demo

        if once and is_loaded():
            self.stdout.write("演示省份已加载，跳过。")
            return
        self.stdout.write("正在加载演示省份……")
        steps = load_demo()
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪：{'、'.join(steps)}。"))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        self.print_logins()

    def print_logins(self):
        for username, full_name, role, _org, _vendor in USERS:
            self.stdout.write(f"    {username:<10} {full_name:<6} {role.label}")
