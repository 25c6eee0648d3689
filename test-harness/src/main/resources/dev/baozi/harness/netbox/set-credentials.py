# Run with `netbox nbshell --command`: gives the admin user the password in BAOZI_NETBOX_ADMIN_PASSWORD
# and makes a v2 and a v1 API token from BAOZI_NETBOX_V2_KEY/BAOZI_NETBOX_V2_SECRET and BAOZI_NETBOX_V1
# (replacing earlier ones). The values come from the environment, never from this text.
import os
from users.models import Token, User

admin = User.objects.get(username="admin")
admin.set_password(os.environ["BAOZI_NETBOX_ADMIN_PASSWORD"])
admin.save()
Token.objects.filter(user=admin).delete()
v2 = Token(user=admin, version=2, key=os.environ["BAOZI_NETBOX_V2_KEY"], token=os.environ["BAOZI_NETBOX_V2_SECRET"],
           description="baozi (v2)")
v2.full_clean()
v2.save()
v1 = Token(user=admin, version=1, token=os.environ["BAOZI_NETBOX_V1"], description="baozi (v1)")
v1.full_clean()
v1.save()
print("credentials set")
